import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createRegistry, type PluginRegistry } from '../registry/index.js';
import { bytes, text } from '../registry/test-support/fake-artifacts.js';
import { createFakeLoader } from '../registry/test-support/fake-plugin.js';
import { type PluginFolder, watchPluginFolder } from './plugin-folder.js';
import { tempPluginsDir } from './test-support/folder.js';

// A file renamed over a served plugin's artifact lands whole, so the folder takes it without
// waiting for it to settle; anything written in place, or a folder not served yet, still waits.
// The settle interval tells the two paths apart: waiting takes at least the interval (a lower
// bound, which load cannot break); the rename path takes milliseconds, far inside LONG_SETTLE_MS
// (the folder's first load waits it once).

const LONG_SETTLE_MS = 3_000;
const SHORT_SETTLE_MS = 300;

let plugins: ReturnType<typeof tempPluginsDir>;
let registry: PluginRegistry;
let folder: PluginFolder | undefined;

const fakeEcho = (version: string) => JSON.stringify({ name: 'echo', version });
const activated = (version: string, name = 'echo') =>
  registry.events.next('activated', (e) => e.name === name && e.version.version === version);

beforeEach(() => {
  plugins = tempPluginsDir();
  registry = createRegistry({ loadPlugin: createFakeLoader().load });
});

afterEach(async () => {
  await folder?.close();
  folder = undefined;
  await registry.close();
  plugins.cleanup();
});

async function watching(settleMs: number): Promise<void> {
  folder = watchPluginFolder(registry, plugins.root, {
    prefer: 'wasm',
    settleMs,
    maxSettleMs: settleMs,
  });
  await folder.ready;
}

/** Milliseconds from `change` to the activation of `version`. */
async function timeToActivate(version: string, change: () => void, name = 'echo') {
  const done = activated(version, name);
  const started = performance.now();
  change();
  await done;
  return performance.now() - started;
}

describe.skipIf(process.platform !== 'linux')(
  'settling a watched folder (inotify tells renames from writes on Linux only)',
  () => {
    it('swaps a file renamed over a served artifact without waiting to settle', async () => {
      plugins.write('echo', 'echo.wasm', fakeEcho('1.0.0'));
      await watching(LONG_SETTLE_MS);
      for (const version of ['2.0.0', '3.0.0']) {
        const took = await timeToActivate(version, () =>
          plugins.deploy('echo', 'echo.wasm', fakeEcho(version)),
        );
        expect(took).toBeLessThan(LONG_SETTLE_MS);
      }
      expect(text(await registry.call('echo', bytes('x')))).toBe('3.0.0:x');
    });

    it('waits to settle for a file written in place, even right after a rename', async () => {
      plugins.write('echo', 'echo.wasm', fakeEcho('1.0.0'));
      await watching(SHORT_SETTLE_MS);
      await timeToActivate('2.0.0', () => plugins.deploy('echo', 'echo.wasm', fakeEcho('2.0.0')));
      const waited = await timeToActivate('4.0.0', () => {
        plugins.deploy('echo', 'echo.wasm', fakeEcho('3.0.0'));
        plugins.write('echo', 'echo.wasm', fakeEcho('4.0.0'));
      });
      expect(waited).toBeGreaterThanOrEqual(SHORT_SETTLE_MS);
    });

    it('waits to settle for a folder it does not serve yet, even when renamed in', async () => {
      plugins.write('echo', 'echo.wasm', fakeEcho('1.0.0'));
      plugins.write('other', 'notes.txt', 'an empty plugin folder, watched from the start');
      await watching(SHORT_SETTLE_MS);
      const other = JSON.stringify({ name: 'other', version: '1.0.0' });
      const waited = await timeToActivate(
        '1.0.0',
        () => plugins.deploy('other', 'other.wasm', other),
        'other',
      );
      expect(waited).toBeGreaterThanOrEqual(SHORT_SETTLE_MS);
    });
  },
);
