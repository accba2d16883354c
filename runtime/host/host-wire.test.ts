import { describe, expect, it } from 'vitest';
import { TP_STATUS } from './api.js';
import { resolveGrants } from './grants.js';
import {
  decodeHostCall,
  decodeHostReply,
  encodeHostCall,
  encodeHostReply,
  serveWireCall,
} from './host-wire.js';
import { PluginHost } from './plugin-host.js';

const utf8 = (text: string) => new TextEncoder().encode(text);

describe('host-wire', () => {
  it('carries each op, its integer and its byte arguments', () => {
    const calls = [
      { op: 'log', int: 3, args: [utf8('careful')] },
      { op: 'kv_set', int: 0, args: [utf8('k'), utf8('')] },
      { op: 'call_host', int: 0, args: [utf8('acme.lookup'), new Uint8Array([0, 255, 7])] },
      { op: 'clock', int: -1, args: [] },
      { op: 'wasi_write', int: 2, args: [utf8('line\n')] },
    ] as const;
    for (const call of calls) {
      const decoded = decodeHostCall(encodeHostCall(call.op, call.int, call.args));
      expect(decoded).toEqual({ op: call.op, int: call.int, args: call.args });
    }
    expect(decodeHostReply(encodeHostReply({ status: -6 }))).toEqual({ status: -6 });
    const data = new Uint8Array([1, 2, 3]);
    expect(decodeHostReply(encodeHostReply({ status: 0, data }))).toEqual({ status: 0, data });
  });

  it('refuses what is not a call: a child process is not trusted to send one', () => {
    const good = encodeHostCall('call_host', 0, [utf8('noop'), utf8('x')]);
    const cases = [
      good.subarray(0, 5), // shorter than the header
      good.subarray(0, good.length - 1), // the last argument cut short
      Uint8Array.of(99, 0, 0, 0, 0, 0), // no such op
      encodeHostCall('call_host', 0, [utf8('noop')]), // call_host with one argument
      encodeHostCall('log', 1, []), // log without its message
      encodeHostCall('clock', 0, [utf8('x')]), // clock with one
    ];
    const oversized = good.slice();
    oversized.set([0xff, 0xff, 0xff, 0xff], 6); // a length of 2^32 - 1
    cases.push(oversized);
    const host = new PluginHost({
      label: 'p',
      grants: resolveGrants({ hostFunctions: ['noop'], log: true }, undefined),
      functions: new Map([['noop', () => new Uint8Array(0)]]),
      onLog: () => undefined,
      onHostCall: undefined,
    });
    for (const bytes of cases) {
      expect(decodeHostCall(bytes)).toBeUndefined();
      expect(serveWireCall(host, bytes)).toEqual({ status: TP_STATUS.INVALID });
    }
    expect(serveWireCall(host, good)).toEqual({ status: 0, data: new Uint8Array(0) });
  });
});
