import koffi from 'koffi';
import { describe, expect, it } from 'vitest';
import { TP_STATUS } from '../../host/api.js';
import { type Capabilities, resolveGrants } from '../../host/grants.js';
import { KeptAnswer } from '../../host/kept-answer.js';
import { type HostCallRecord, type HostFunction, PluginHost } from '../../host/plugin-host.js';
import { nativeCallHost } from './native-call-host.js';
import { NativeMemory } from './native-memory.js';

const utf8 = (text: string) => new TextEncoder().encode(text);
const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
/** Where the test lays out a call in "the plugin's" memory, a buffer with a native address. */
const NAME = 16;
const INPUT = 256;
const OUT = 512;
const OUT_LEN = 1024;

function setup(
  functions: Record<string, HostFunction>,
  capabilities: Capabilities = { hostFunctions: Object.keys(functions) },
  record = true,
) {
  const records: HostCallRecord[] = [];
  const host = new PluginHost({
    label: 'p',
    grants: resolveGrants(capabilities, undefined),
    functions: new Map(Object.entries(functions)),
    onLog: () => undefined,
    onHostCall: record ? (entry) => records.push(entry) : undefined,
  });
  const region = Buffer.alloc(2048);
  const base = koffi.address(region);
  const at = (offset: number) => base + BigInt(offset);
  const callHost = nativeCallHost(host, new NativeMemory(), new KeptAnswer());
  /** Writes name and input at the same places every time and calls as a plugin would. */
  const call = (name: Uint8Array | string, input: string, outCap = 64) => {
    const nameBytes = typeof name === 'string' ? utf8(name) : name;
    region.set(nameBytes, NAME);
    region.set(utf8(input), INPUT);
    return callHost(
      at(NAME),
      nameBytes.length,
      at(INPUT),
      input.length,
      at(OUT),
      outCap,
      at(OUT_LEN),
    );
  };
  const outLen = () => region.readUInt32LE(OUT_LEN);
  const output = () => decode(region.subarray(OUT, OUT + outLen()));
  return { host, region, at, callHost, call, outLen, output, records };
}

describe('nativeCallHost', () => {
  it('reads the name and input where the plugin left them, every call, once they have views', () => {
    const seen: string[] = [];
    const { call, output, records } = setup({
      'acme.echo': (input) => {
        seen.push(decode(input));
        return utf8(`echo ${decode(input)}`);
      },
      'acme.ohce': () => utf8('other'),
      abcd: () => utf8('abcd'),
      abce: () => utf8('abce'),
    });
    // The same addresses each time: from the second call on they are read through kept views.
    for (let round = 0; round < 3; round += 1) {
      expect(call('acme.echo', `hi${round}`)).toBe(TP_STATUS.OK);
      expect(output()).toBe(`echo hi${round}`);
      expect(call('acme.ohce', '')).toBe(TP_STATUS.OK);
      expect(output()).toBe('other');
      expect(call('abcd', 'x')).toBe(TP_STATUS.OK);
      expect(output()).toBe('abcd');
      expect(call('abce', 'x')).toBe(TP_STATUS.OK);
      expect(output()).toBe('abce');
    }
    expect(seen).toEqual(['hi0', 'hi1', 'hi2']);
    expect(records).toHaveLength(12);
  });

  it('answers NULL regions with TP_ERR_BOUNDS and calls nothing; empty ones may be NULL', () => {
    let calls = 0;
    const { callHost, at, outLen } = setup({
      f: () => {
        calls += 1;
        return new Uint8Array(0);
      },
    });
    const name = at(NAME);
    Buffer.from(koffi.view(name, 1)).write('f');
    expect(callHost(null, 1, null, 0, at(OUT), 8, at(OUT_LEN))).toBe(TP_STATUS.BOUNDS);
    expect(callHost(name, 1, null, 3, at(OUT), 8, at(OUT_LEN))).toBe(TP_STATUS.BOUNDS);
    expect(callHost(name, 1, null, 0, null, 8, at(OUT_LEN))).toBe(TP_STATUS.BOUNDS);
    expect(callHost(name, 1, null, 0, at(OUT), 8, null)).toBe(TP_STATUS.BOUNDS);
    expect(calls).toBe(0);
    expect(callHost(name, 1, null, 0, null, 0, at(OUT_LEN))).toBe(TP_STATUS.OK);
    expect(outLen()).toBe(0);
    expect(calls).toBe(1);
  });

  it('answers INVALID, DENIED and NOT_FOUND by the name', () => {
    const { call, region, outLen } = setup(
      { granted: () => utf8('g') },
      { hostFunctions: ['granted', 'ghost'] },
    );
    expect(call('granted', '')).toBe(TP_STATUS.OK);
    expect(outLen()).toBe(1);
    expect(call('grantee', '')).toBe(TP_STATUS.DENIED);
    expect(outLen()).toBe(0);
    region.writeUInt32LE(77, OUT_LEN);
    expect(call('__proto__', '')).toBe(TP_STATUS.DENIED);
    expect(call('ghost', '')).toBe(TP_STATUS.NOT_FOUND);
    expect(outLen()).toBe(0);
    expect(call(new Uint8Array([0xff, 0xfe]), '')).toBe(TP_STATUS.INVALID);
    expect(call(new Uint8Array(129).fill(0x61), '')).toBe(TP_STATUS.INVALID);
    expect(call('granted', '')).toBe(TP_STATUS.OK);
  });

  it('checks a length against the limits before reading a byte of it', () => {
    let calls = 0;
    // Not recorded: a trace keeps a copy of the arguments as the plugin declared them.
    const { callHost, at, call } = setup(
      {
        f: () => {
          calls += 1;
          return utf8('f');
        },
      },
      { hostFunctions: ['f'] },
      false,
    );
    call('f', 'x');
    // Lengths far past the memory behind these pointers: reading them would fault.
    const huge = 0x7fff_ffff;
    expect(callHost(at(NAME), huge, at(INPUT), 0, at(OUT), 8, at(OUT_LEN))).toBe(TP_STATUS.INVALID);
    expect(callHost(at(NAME), 1, at(INPUT), huge, at(OUT), 8, at(OUT_LEN))).toBe(
      TP_STATUS.TOO_LARGE,
    );
    expect(calls).toBe(1);
  });

  it('keeps an output that does not fit for the immediate retry only', () => {
    let calls = 0;
    const { call, outLen, output, records } = setup({
      big: (input) => {
        calls += 1;
        return utf8(`${decode(input)}:${'y'.repeat(20)}`);
      },
    });
    expect(call('big', 'a', 4)).toBe(TP_STATUS.BUFFER_TOO_SMALL);
    expect(outLen()).toBe(22);
    expect(call('big', 'a', 22)).toBe(TP_STATUS.OK);
    expect(output()).toBe(`a:${'y'.repeat(20)}`);
    expect(calls).toBe(1);
    expect(records).toHaveLength(1);
    expect(call('big', 'b', 4)).toBe(TP_STATUS.BUFFER_TOO_SMALL);
    expect(call('big', 'c', 64)).toBe(TP_STATUS.OK);
    expect(output()).toBe(`c:${'y'.repeat(20)}`);
    expect(calls).toBe(3);
  });

  it('hands the function a copy of the input; after close every call is TP_ERR_CLOSED', () => {
    const kept: Uint8Array[] = [];
    const { call, region, host } = setup({
      keep: (input) => {
        kept.push(input);
        return utf8('ok');
      },
    });
    for (let round = 0; round < 3; round += 1) call('keep', 'abc');
    region.fill(0, INPUT, INPUT + 3);
    expect(kept.map(decode)).toEqual(['abc', 'abc', 'abc']);
    host.close();
    expect(call('keep', 'abc')).toBe(TP_STATUS.CLOSED);
    expect(kept).toHaveLength(3);
  });
});
