import { describe, expect, it } from 'vitest';
import { loadPlugin } from '../load-plugin.js';
import type { Isolation, LoadPluginOptions } from '../options.js';
import { artifact, isSkipped, text, utf8 } from '../test-support/artifacts.js';
import { FIXED_CLOCK_START_NS } from './entropy.js';
import type { HostCallRecord, LogEntry } from './plugin-host.js';

const skip = isSkipped('clang-wasm');
const fixture = (name: string) => artifact(name, 'clang-wasm', 'fixture');

function options(extra: Partial<LoadPluginOptions> = {}) {
  const logs: LogEntry[] = [];
  const calls: HostCallRecord[] = [];
  const load: LoadPluginOptions = {
    path: fixture('wasi-calls'),
    capabilities: { wasi: true },
    onLog: (entry) => logs.push(entry),
    onHostCall: (record) => calls.push(record),
    ...extra,
  };
  return { logs, calls, load: () => loadPlugin(load) };
}

describe.skipIf(skip).each(['in-process', 'worker', 'process'] as const satisfies Isolation[])(
  'WASI preview 1 (%s)',
  (isolation) => {
    it('routes stdout and stderr lines to the log, and answers EBADF, ENOSYS, empty environ', async () => {
      const { logs, load } = options({ isolation });
      const plugin = await load();
      const run = async (command: string) => text(await plugin.processData(utf8(command)));
      expect(await run('init')).toBe('1');
      expect(await run('print:hello\nwor')).toBe('0');
      expect(await run('print:ld\n')).toBe('0');
      expect(await run('err:oops')).toBe('0');
      expect(logs.map((entry) => [entry.source, entry.level, entry.message])).toEqual([
        // Written by _initialize while the plugin loads, before Initialize.
        ['stdout', 'info', 'ready'],
        ['stdout', 'info', 'hello'],
        // A line without its newline is sent at the end of the call that wrote it.
        ['stdout', 'info', 'wor'],
        ['stdout', 'info', 'ld'],
        ['stderr', 'warn', 'oops'],
      ]);
      expect(await run('badfd')).toBe('8');
      expect(await run('open')).toBe('8');
      expect(await run('raise')).toBe('52');
      expect(await run('environ')).toBe('0:0,0');
      await plugin.close();
    });

    it('proc_exit is PLUGIN_EXITED with the code; the next call runs on a fresh instance', async () => {
      const { load } = options({ isolation });
      const plugin = await load();
      await expect(plugin.processData(utf8('exit'))).rejects.toMatchObject({
        code: 'PLUGIN_EXITED',
        details: { exitCode: 3 },
      });
      expect(text(await plugin.processData(utf8('init')))).toBe('1');
      await plugin.close();
    });

    it('deterministic mode: a fixed clock and seeded random, the same in every run', async () => {
      const runOnce = async () => {
        const { calls, load } = options({ isolation, deterministic: { seed: 7 } });
        const plugin = await load();
        const clock = await plugin.processData(utf8('clock'));
        const random = await plugin.processData(utf8('random:16'));
        await plugin.close();
        return { clock, random, calls };
      };
      const first = await runOnce();
      const second = await runOnce();
      const view = new DataView(first.clock.buffer, first.clock.byteOffset, 16);
      expect(view.getBigUint64(0, true)).toBe(FIXED_CLOCK_START_NS + 1_000_000n);
      expect(view.getBigUint64(8, true)).toBe(FIXED_CLOCK_START_NS + 2_000_000n);
      expect(second.clock).toEqual(first.clock);
      expect(second.random).toEqual(first.random);
      expect(first.random).toHaveLength(16);
      expect(first.calls.map((call) => [call.op, call.int, call.status])).toEqual([
        ['wasi_write', 1, 0],
        ['clock', 0, 0],
        ['clock', 1, 0],
        ['random', 16, 0],
      ]);
      expect(second.calls).toEqual(first.calls);
    });
  },
);

describe.skipIf(skip)('WASI and host API imports at load', () => {
  it('a module importing WASI without the grant is PLUGIN_CAPABILITY_DENIED, naming the grant', async () => {
    await expect(loadPlugin(fixture('wasi-calls'))).rejects.toMatchObject({
      code: 'PLUGIN_CAPABILITY_DENIED',
      details: { module: 'wasi_snapshot_preview1', grant: 'wasi' },
    });
  });

  it('a WASI command module is refused, saying so', async () => {
    const error = await loadPlugin({
      path: fixture('wasi-command'),
      capabilities: { wasi: true },
    }).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'PLUGIN_FORMAT_INVALID', details: { export: '_start' } });
    expect((error as Error).message).toMatch(/command/);
  });

  it('real random bytes differ between runs', async () => {
    const { load } = options();
    const plugin = await load();
    const a = await plugin.processData(utf8('random:32'));
    const b = await plugin.processData(utf8('random:32'));
    expect(a).not.toEqual(b);
    await plugin.close();
  });
});

/** A module with one function import and nothing else: enough to be checked at load. */
function importing(module: string, name: string, params: number, results: number): Uint8Array {
  const encoder = new TextEncoder();
  const vec = (bytes: number[]) => [bytes.length, ...bytes];
  const type = [0x01, 0x60, ...vec(Array(params).fill(0x7f)), ...vec(Array(results).fill(0x7f))];
  const entry = [
    ...vec([...encoder.encode(module)]),
    ...vec([...encoder.encode(name)]),
    0x00,
    0x00,
  ];
  return new Uint8Array([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...[0x01, ...vec(type)],
    ...[0x02, ...vec([0x01, ...entry])],
  ]);
}

describe('import checks', () => {
  const load = (bytes: Uint8Array) =>
    loadPlugin({ bytes, capabilities: { log: true, wasi: true, kv: true } });

  it('an import with the right name and the wrong signature is refused at load', async () => {
    await expect(load(importing('twinplug_v1', 'log', 1, 1))).rejects.toMatchObject({
      code: 'PLUGIN_IMPORT_UNSUPPORTED',
      details: { module: 'twinplug_v1', name: 'log', signature: 'i>i', expected: 'iii>i' },
    });
    await expect(load(importing('wasi_snapshot_preview1', 'fd_write', 4, 0))).rejects.toMatchObject(
      {
        code: 'PLUGIN_IMPORT_UNSUPPORTED',
      },
    );
  });

  it('a name the runtime does not provide stays PLUGIN_IMPORT_UNSUPPORTED, granted or not', async () => {
    for (const [module, name] of [
      ['twinplug_v1', 'steal'],
      ['twinplug_v1', '__proto__'],
      ['wasi_snapshot_preview1', 'sock_open'],
      ['env', 'memcpy'],
    ] as const) {
      await expect(load(importing(module, name, 0, 0))).rejects.toMatchObject({
        code: 'PLUGIN_IMPORT_UNSUPPORTED',
        details: { module, name },
      });
    }
  });
});
