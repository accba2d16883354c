import { describe, expect, it } from 'vitest';
import { loadPlugin } from '../load-plugin.js';
import { artifact, isSkipped, text, utf8 } from '../test-support/artifacts.js';

const BUILDS = [
  { toolchain: 'clang-wasm', isolation: 'worker' },
  { toolchain: 'clang-wasm', isolation: 'process' },
  { toolchain: 'cc', isolation: 'process' },
] as const;

describe.each(BUILDS)('a pending host call ($toolchain, $isolation)', (build) => {
  it.skipIf(isSkipped(build.toolchain))(
    'is ended by timeoutMs; the restarted plugin serves on with its kv state',
    async () => {
      let hung = 0;
      const plugin = await loadPlugin({
        path: artifact('host-api', build.toolchain, 'fixture'),
        isolation: build.isolation,
        // Long enough for a child to start on a loaded machine: each call, the first included, runs under it.
        timeoutMs: 2_000,
        capabilities: { kv: true, log: true, hostFunctions: ['acme.hang'] },
        hostFunctions: {
          'acme.hang': () => {
            hung += 1;
            return new Promise<Uint8Array>(() => undefined);
          },
        },
        onLog: () => undefined,
      });
      expect(text(await plugin.processData(utf8('count')))).toBe('1');
      await expect(plugin.processData(utf8('call:acme.hang:x'))).rejects.toMatchObject({
        code: 'PLUGIN_TIMEOUT',
      });
      expect(hung).toBe(1);
      // The worker or child was replaced; the store lives in the host and kept its count.
      expect(text(await plugin.processData(utf8('count')))).toBe('2');
      expect(plugin.stats().restarts).toBe(1);
      await plugin.close();
    },
  );
});
