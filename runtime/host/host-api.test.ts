import { describe, expect, it } from 'vitest';
import { loadPlugin } from '../load-plugin.js';
import type { Isolation, LoadPluginOptions } from '../options.js';
import { artifact, isSkipped, text, utf8 } from '../test-support/artifacts.js';
import type { HostCallRecord, LogEntry } from './plugin-host.js';

/** host-api.c built natively and by clang for wasm32, in each isolation mode that applies. */
const BUILDS = [
  { toolchain: 'cc', isolation: 'in-process' },
  { toolchain: 'cc', isolation: 'process' },
  { toolchain: 'clang-wasm', isolation: 'in-process' },
  { toolchain: 'clang-wasm', isolation: 'worker' },
  { toolchain: 'clang-wasm', isolation: 'process' },
] as const satisfies readonly { toolchain: 'cc' | 'clang-wasm'; isolation: Isolation }[];

function open(
  build: (typeof BUILDS)[number],
  extra: Partial<LoadPluginOptions> = {},
): { logs: LogEntry[]; calls: HostCallRecord[]; load: () => ReturnType<typeof loadPlugin> } {
  const logs: LogEntry[] = [];
  const calls: HostCallRecord[] = [];
  const options: LoadPluginOptions = {
    path: artifact('host-api', build.toolchain, 'fixture'),
    isolation: build.isolation,
    config: 'cfg',
    capabilities: { log: true, kv: { maxBytes: 64 }, hostFunctions: ['acme.lookup', 'acme.fail'] },
    hostFunctions: {
      'acme.lookup': (input) => utf8(`looked up ${text(input)}`),
      'acme.fail': () => {
        throw new Error('no such thing');
      },
    },
    onLog: (entry) => logs.push(entry),
    onHostCall: (record) => calls.push(record),
    ...extra,
  };
  return { logs, calls, load: () => loadPlugin(options) };
}

const lines = (logs: LogEntry[]) =>
  logs.map((entry) => `${entry.source}/${entry.level}: ${entry.message}`);

describe.each(BUILDS)('host API v1: $toolchain, $isolation', (build) => {
  const skip = isSkipped(build.toolchain);

  it.skipIf(skip)(
    'logs, keeps kv state and calls a host function, with the two-call protocol',
    async () => {
      const { logs, calls, load } = open(build);
      const plugin = await load();
      const run = async (command: string) => text(await plugin.processData(utf8(command)));
      expect(await run('log:2:careful')).toBe('0');
      expect(await run('get:colour')).toBe('-6');
      expect(await run('set:colour=blue')).toBe('0');
      expect(await run('get:colour')).toBe('0:blue');
      expect(await run('call:acme.lookup:42')).toBe('0:looked up 42');
      expect(await run('del:colour')).toBe('0');
      expect(await run('del:colour')).toBe('-6');
      expect(lines(logs)).toEqual(['plugin/info: init cfg', 'plugin/warn: careful']);
      // The retry after TP_BUFFER_TOO_SMALL is served from the kept result: one call, not two.
      expect(calls.filter((call) => call.op === 'call_host')).toHaveLength(1);
      expect(calls.filter((call) => call.op === 'kv_get')).toHaveLength(3);
      expect(plugin.stats().host).toMatchObject({ logLines: 2, kvKeys: 0, kvBytes: 0 });
      await plugin.close();
    },
  );

  it.skipIf(skip)(
    'bad input is an error code for that call, and the plugin keeps serving',
    async () => {
      const { logs, load } = open(build);
      const plugin = await load();
      const run = async (command: string) => text(await plugin.processData(utf8(command)));
      expect(await run('oob')).toBe('-2');
      expect(await run('badutf8')).toBe('-3');
      expect(await run('log:7:level out of range')).toBe('-3');
      expect(await run(`set:${'k'.repeat(300)}=v`)).toBe('-4');
      expect(await run(`set:big=${'v'.repeat(80)}`)).toBe('-5');
      expect(await run('call:acme.fail:x')).toBe('-7');
      expect(await run('call:acme.other:x')).toBe('-1');
      expect(logs.filter((entry) => entry.source === 'host').map((entry) => entry.level)).toEqual([
        'error',
      ]);
      expect(await run('set:a=b')).toBe('0');
      expect(plugin.stats().host).toMatchObject({ kvKeys: 1, kvBytes: 2, hostFunctionErrors: 1 });
      await plugin.close();
    },
  );

  it.skipIf(skip)(
    'an ungranted function answers TP_ERR_DENIED natively; Wasm is refused at load',
    async () => {
      const { load } = open(build, { capabilities: { log: true } });
      if (build.toolchain === 'clang-wasm') {
        await expect(load()).rejects.toMatchObject({
          code: 'PLUGIN_CAPABILITY_DENIED',
          details: { module: 'twinplug_v1', grant: 'kv' },
        });
        return;
      }
      const plugin = await load();
      expect(text(await plugin.processData(utf8('set:a=b')))).toBe('-1');
      expect(text(await plugin.processData(utf8('call:acme.lookup:x')))).toBe('-1');
      expect(text(await plugin.processData(utf8('log:1:still logs')))).toBe('0');
      await plugin.close();
    },
  );

  it.skipIf(skip)(
    'a host function returning a non-Uint8Array is TP_ERR_HOST_FAILED, logged',
    async () => {
      const { logs, load } = open(build, {
        capabilities: { hostFunctions: ['acme.lookup'], log: true, kv: true },
        hostFunctions: { 'acme.lookup': (() => 'a string') as never },
      });
      const plugin = await load();
      expect(text(await plugin.processData(utf8('call:acme.lookup:x')))).toBe('-7');
      expect(logs.at(-1)).toMatchObject({ source: 'host', level: 'error' });
      await plugin.close();
    },
  );

  it.skipIf(skip)(
    'a host function calling back into its plugin is refused with PLUGIN_REENTRANT_CALL',
    async () => {
      let inner: Promise<Uint8Array> | undefined;
      const holder: { plugin?: Awaited<ReturnType<typeof loadPlugin>> } = {};
      const { load } = open(build, {
        hostFunctions: {
          'acme.lookup': () => {
            inner = holder.plugin!.processData(utf8('count'));
            inner.catch(() => undefined);
            return utf8('done');
          },
          'acme.fail': () => utf8(''),
        },
      });
      const plugin = await load();
      holder.plugin = plugin;
      expect(text(await plugin.processData(utf8('call:acme.lookup:x')))).toBe('0:done');
      await expect(inner).rejects.toMatchObject({ code: 'PLUGIN_REENTRANT_CALL' });
      expect(text(await plugin.processData(utf8('count')))).toBe('1');
      await plugin.close();
    },
  );

  it.skipIf(skip)(
    'an async host function is served in a worker or a process, refused in-process',
    async () => {
      const { load } = open(build, {
        hostFunctions: {
          'acme.lookup': async (input) => {
            await new Promise((resolve) => setImmediate(resolve));
            return utf8(`later ${text(input)}`);
          },
          'acme.fail': () => utf8(''),
        },
      });
      const plugin = await load();
      const answer = text(await plugin.processData(utf8('call:acme.lookup:7')));
      expect(answer).toBe(build.isolation === 'in-process' ? '-7' : '0:later 7');
      await plugin.close();
    },
  );
});
