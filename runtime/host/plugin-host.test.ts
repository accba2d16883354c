import { describe, expect, it, vi } from 'vitest';
import { TP_STATUS } from './api.js';
import { type Capabilities, resolveGrants } from './grants.js';
import {
  type HostCallRecord,
  type HostFunction,
  type LogEntry,
  PluginHost,
} from './plugin-host.js';

const utf8 = (text: string) => new TextEncoder().encode(text);

function host(
  capabilities: Capabilities,
  functions: Record<string, HostFunction> = {},
  deterministic = false,
) {
  const logs: LogEntry[] = [];
  const plugin = new PluginHost({
    label: 'p',
    grants: resolveGrants(capabilities, deterministic),
    functions: new Map(Object.entries(functions)),
    onLog: (entry) => logs.push(entry),
    onHostCall: undefined,
  });
  return { plugin, logs };
}

describe('PluginHost', () => {
  it('drops lines over linesPerSecond and cuts lines over maxLineBytes, counting both', () => {
    const { plugin, logs } = host({ log: { linesPerSecond: 3, maxLineBytes: 4 } });
    const statuses = [1, 2, 3, 4, 5].map(() => plugin.invoke('log', 1, [utf8('abcdef')]).status);
    expect(statuses).toEqual([0, 0, 0, TP_STATUS.RATE, TP_STATUS.RATE]);
    expect(logs.map((entry) => entry.message)).toEqual(['abcd', 'abcd', 'abcd']);
    expect(plugin.stats()).toMatchObject({ logLines: 3, logDropped: 2, logTruncated: 3 });
  });

  it('limits log lines by the fixed clock in deterministic mode, not by the time that passed', () => {
    vi.useFakeTimers({ toFake: ['performance', 'Date'] });
    try {
      const lines = (plugin: PluginHost) =>
        [1, 2, 3].map(() => plugin.invoke('log', 1, [utf8('x')]).status);
      const { plugin: real } = host({ log: { linesPerSecond: 2 } });
      const { plugin: fixed } = host({ log: { linesPerSecond: 2 }, wasi: true }, {}, true);
      expect(lines(real)).toEqual([0, 0, TP_STATUS.RATE]);
      expect(lines(fixed)).toEqual([0, 0, TP_STATUS.RATE]);
      vi.advanceTimersByTime(5_000);
      expect(lines(real)).toEqual([0, 0, TP_STATUS.RATE]);
      expect(lines(fixed)).toEqual([TP_STATUS.RATE, TP_STATUS.RATE, TP_STATUS.RATE]);
      // The plugin's clock moves 1 ms per reading: a thousand readings open the next window.
      for (let reading = 0; reading < 1000; reading += 1) fixed.invoke('clock', 1, []);
      expect(lines(fixed)).toEqual([0, 0, TP_STATUS.RATE]);
    } finally {
      vi.useRealTimers();
    }
  });

  it('cuts a long line on a character boundary, never inside a UTF-8 sequence', () => {
    const { plugin, logs } = host({ log: { maxLineBytes: 5 } });
    plugin.invoke('log', 1, [utf8('aé€b')]);
    expect(logs[0]?.message).toBe('aé');
  });

  it('keeps the kv store within maxBytes: an over-quota set changes nothing', () => {
    const { plugin } = host({ kv: { maxBytes: 10 } });
    expect(plugin.invoke('kv_set', 0, [utf8('k'), utf8('12345678')]).status).toBe(0);
    expect(plugin.invoke('kv_set', 0, [utf8('j'), utf8('12')]).status).toBe(TP_STATUS.QUOTA);
    // Replacing a value counts only the difference.
    expect(plugin.invoke('kv_set', 0, [utf8('k'), utf8('123456789')]).status).toBe(0);
    expect(plugin.invoke('kv_get', 0, [utf8('k')]).data).toEqual(utf8('123456789'));
    expect(plugin.stats()).toMatchObject({ kvKeys: 1, kvBytes: 10 });
  });

  it('keys are bytes: "__proto__" and "constructor" are keys like any other', () => {
    const { plugin } = host({ kv: true });
    plugin.invoke('kv_set', 0, [utf8('__proto__'), utf8('x')]);
    expect(plugin.invoke('kv_get', 0, [utf8('__proto__')]).data).toEqual(utf8('x'));
    expect(plugin.invoke('kv_get', 0, [utf8('constructor')]).status).toBe(TP_STATUS.NOT_FOUND);
  });

  it('denies what is not granted, and answers TP_ERR_CLOSED after close', () => {
    const { plugin } = host({ log: true }, { 'acme.x': () => utf8('y') });
    expect(plugin.invoke('kv_get', 0, [utf8('k')]).status).toBe(TP_STATUS.DENIED);
    expect(plugin.invoke('call_host', 0, [utf8('acme.x'), utf8('')]).status).toBe(TP_STATUS.DENIED);
    expect(plugin.invoke('clock', 0, []).status).toBe(TP_STATUS.DENIED);
    plugin.close();
    expect(plugin.invoke('log', 1, [utf8('late')]).status).toBe(TP_STATUS.CLOSED);
  });

  it('bounds host-call input and output; an unregistered granted name is TP_ERR_NOT_FOUND', async () => {
    const { plugin } = host(
      { hostFunctions: ['echo', 'ghost'], hostCalls: { maxInputBytes: 4, maxOutputBytes: 4 } },
      { echo: (input) => input, big: () => new Uint8Array(9) },
    );
    expect(plugin.invoke('call_host', 0, [utf8('echo'), utf8('abcd')]).data).toEqual(utf8('abcd'));
    expect(plugin.invoke('call_host', 0, [utf8('echo'), utf8('abcde')]).status).toBe(
      TP_STATUS.TOO_LARGE,
    );
    expect(plugin.invoke('call_host', 0, [utf8('ghost'), utf8('')]).status).toBe(
      TP_STATUS.NOT_FOUND,
    );
    expect(plugin.invoke('call_host', 0, [new Uint8Array(129).fill(0x61), utf8('')]).status).toBe(
      TP_STATUS.INVALID,
    );
    const { plugin: other } = host(
      { hostFunctions: ['big'] },
      { big: () => new Uint8Array(70_000) },
    );
    expect(other.invoke('call_host', 0, [utf8('big'), utf8('')]).status).toBe(TP_STATUS.TOO_LARGE);
  });

  it('serves an async host function when it may wait, and gives it a copy of the input', async () => {
    const seen: Uint8Array[] = [];
    const { plugin } = host(
      { hostFunctions: ['later'] },
      {
        later: async (input) => {
          seen.push(input);
          return utf8('done');
        },
      },
    );
    const input = utf8('abc');
    const answer = plugin.serve('call_host', 0, [utf8('later'), input]);
    input[0] = 0;
    expect(await answer).toEqual({ status: 0, data: utf8('done') });
    expect(seen[0]).toEqual(utf8('abc'));
  });
  it('records no more of an argument than the call may read (a native length is no proof of memory)', () => {
    const records: HostCallRecord[] = [];
    const plugin = new PluginHost({
      label: 'p',
      grants: resolveGrants(
        {
          log: { maxLineBytes: 4 },
          kv: { maxKeyBytes: 3, maxValueBytes: 5 },
          hostFunctions: ['acme.echo'],
          hostCalls: { maxInputBytes: 6 },
        },
        true,
      ),
      functions: new Map([['acme.echo', (input: Uint8Array) => input]]),
      onLog: () => {},
      onHostCall: (record) => records.push(record),
    });
    const long = new Uint8Array(1000).fill(0x61);
    plugin.invoke('log', 1, [long]);
    plugin.invoke('kv_set', 0, [long, long]);
    plugin.invoke('call_host', 0, [long, long]);
    plugin.invoke('call_host', 0, [utf8('acme.echo'), long]);
    expect(
      records.map((record) => [record.op, record.status, record.args.map((a) => a.length)]),
    ).toEqual([
      ['log', TP_STATUS.OK, [4]],
      ['kv_set', TP_STATUS.TOO_LARGE, [3, 5]],
      ['call_host', TP_STATUS.INVALID, [128, 6]],
      ['call_host', TP_STATUS.TOO_LARGE, [9, 6]],
    ]);
  });
});
