import { describe, expect, it } from 'vitest';
import { loadPlugin } from '../load-plugin.js';
import type { LoadPluginOptions } from '../options.js';
import type { Plugin } from '../plugin.js';
import { artifact, isSkipped, text, toolchainTitle, utf8 } from '../test-support/artifacts.js';
import type { RegistryEvent } from './events.js';
import { createRegistry } from './plugin-registry.js';

const SWAPS = 1000;

/** The two builds of the `versioned` fixture each toolchain makes. */
const TWINS = [
  {
    toolchain: 'cc',
    v1: () => artifact('versioned-1.0.0', 'cc', 'fixture'),
    v2: () => artifact('versioned-2.0.0', 'cc', 'fixture'),
  },
  {
    toolchain: 'asc',
    v1: () => artifact('versioned', 'asc', 'fixture'),
    v2: () => artifact('versioned-v2', 'asc', 'fixture'),
  },
  {
    toolchain: 'clang-wasm',
    v1: () => artifact('versioned-1.0.0', 'clang-wasm', 'fixture'),
    v2: () => artifact('versioned-2.0.0', 'clang-wasm', 'fixture'),
  },
] as const;

/** Wraps the runtime's loader to count calls that reach a plugin after its close() began. */
function checkedLoader(): {
  load: (options: LoadPluginOptions) => Promise<Plugin>;
  late: number[];
} {
  const late: number[] = [];
  const load = async (options: LoadPluginOptions): Promise<Plugin> => {
    const plugin = await loadPlugin(options);
    let closing = false;
    return {
      get info() {
        return plugin.info;
      },
      backend: plugin.backend,
      artifact: plugin.artifact,
      exports: plugin.exports,
      isolation: plugin.isolation,
      stats: () => plugin.stats(),
      get closed() {
        return plugin.closed;
      },
      processData(input) {
        if (closing) late.push(1);
        return plugin.processData(input);
      },
      processDataSync(input) {
        if (closing) late.push(1);
        return plugin.processDataSync(input);
      },
      close() {
        closing = true;
        return plugin.close();
      },
    };
  };
  return { load, late };
}

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

describe.each(TWINS)('1,000 swaps under concurrent calls', (twins) => {
  it.skipIf(isSkipped(twins.toolchain))(
    `${toolchainTitle(twins.toolchain)}: no call fails, none reaches a closed version, every output is whole`,
    async () => {
      const checked = checkedLoader();
      const registry = createRegistry({ loadPlugin: checked.load, retentionMs: 0 });
      const paths = [twins.v1(), twins.v2()];
      const events: RegistryEvent[] = [];
      registry.events.onAny((event) => events.push(event));
      await registry.register('versioned', paths[0]!);
      const failures: unknown[] = [];
      const seen = new Map<string, number>();
      let swapping = true;
      const caller = async (id: number) => {
        for (let index = 0; swapping; index += 1) {
          const input = `caller ${id} call ${index}`;
          const calls = [
            registry.call('versioned', utf8(input)),
            registry.call('versioned', utf8(input)),
          ];
          for (const result of await Promise.allSettled(calls)) {
            if (result.status === 'rejected') failures.push(result.reason);
            else {
              const output = text(result.value);
              const version = output.slice(0, output.indexOf(':'));
              if (output !== `${version}:${input}`) failures.push(`torn output: ${output}`);
              seen.set(version, (seen.get(version) ?? 0) + 1);
            }
          }
          await nextTurn();
        }
      };
      const callers = Array.from({ length: 8 }, (_, id) => caller(id));
      for (let swap = 1; swap <= SWAPS; swap += 1) {
        const result = await registry.register('versioned', {
          artifacts: paths[swap % 2]!,
          force: true,
        });
        expect(result.outcome).toBe('activated');
      }
      swapping = false;
      await Promise.all(callers);
      await registry.close();
      expect(failures).toEqual([]);
      expect(checked.late).toEqual([]);
      expect([...seen.keys()].sort()).toEqual(['1.0.0', '2.0.0']);
      expect(events.filter((event) => event.type === 'activated')).toHaveLength(SWAPS + 1);
      expect(events.filter((event) => event.type === 'closed')).toHaveLength(SWAPS + 1);
      expect(events.filter((event) => event.type === 'failed')).toEqual([]);
    },
    120_000,
  );
});

describe.each([
  { toolchain: 'cc', path: () => artifact('upper', 'cc') },
  { toolchain: 'asc', path: () => artifact('upper', 'asc') },
] as const)('idle unloading of a real plugin', ({ toolchain, path }) => {
  it.skipIf(isSkipped(toolchain))(
    `${toolchainTitle(toolchain)}: unloads when idle and serves the next call from the same bytes`,
    async () => {
      const registry = createRegistry({ idleUnloadMs: 20 });
      await registry.register('upper', path());
      const unloaded = registry.events.next('unloaded');
      expect(text(await registry.call('upper', utf8('one')))).toBe('ONE');
      await unloaded;
      const resumed = registry.events.next('resumed');
      const { output, version } = await registry.callWithVersion('upper', utf8('two'));
      expect(text(output)).toBe('TWO');
      expect((await resumed).version.sha256).toBe(version.sha256);
      await registry.close();
    },
  );
});
