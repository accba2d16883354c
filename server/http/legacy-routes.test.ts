import { copyFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readArtifactManifest, requireArtifact, skipReason } from '../../scripts/artifacts.js';
import { LEGACY, legacyPair, writeLegacyFolder } from '../../scripts/legacy-fixtures.js';
import { tempPlugins } from '../test-support/plugins-folder.js';
import { eventually, type TestApp, testApp } from '../test-support/test-app.js';

// Legacy libraries served over HTTP like any plugin: adapted by their plugin.json, in a child
// process (the folder's default for native code), hot-swapped by replacing the file.
const manifest = readArtifactManifest();
let plugins: ReturnType<typeof tempPlugins>;
let t: TestApp;
const missing = skipReason(manifest, 'cxx') ?? skipReason(manifest, 'cc');

beforeAll(async () => {
  if (missing !== undefined) return;
  plugins = tempPlugins();
  const shout = legacyPair(manifest, 'shout');
  const adapter = { ...LEGACY.shout.adapter, outputCapacity: 64 };
  writeLegacyFolder(plugins.root, 'shout', [shout.native, shout.wasm], {
    prefer: 'native',
    config: '>> ',
    force: true,
    adapter,
  });
  writeLegacyFolder(plugins.root, 'rot13', [legacyPair(manifest, 'rot13').native]);
  writeLegacyFolder(plugins.root, 'greet', [legacyPair(manifest, 'greet').native]);
  t = await testApp(plugins.root, { TWINPLUG_TWINS: 'false' });
});

afterAll(async () => {
  await t?.close();
  plugins?.cleanup();
});

const post = (name: string, body: string) =>
  t.app.request(`/v1/plugins/${name}`, { method: 'POST', body });
const code = async (response: Response) =>
  ((await response.json()) as { error: { code: string } }).error.code;

describe.skipIf(missing !== undefined)(
  `legacy libraries over HTTP${missing ? ` (skipped: ${missing})` : ''}`,
  () => {
    it('serves the IModule, the length-pointer and the returned-string libraries', async () => {
      expect(await (await post('shout', 'over http')).text()).toBe('>> OVER HTTP');
      expect(await (await post('rot13', 'Hello')).text()).toBe('Uryyb');
      expect(await (await post('greet', 'Linus')).text()).toBe('Hello, Linus!');
    });

    it('answers an overrun with 502 PLUGIN_ABI_VIOLATION, a NUL with 400, and serves on', async () => {
      const overrun = await post('shout', 'o'.repeat(100));
      expect([overrun.status, await code(overrun)]).toEqual([502, 'PLUGIN_ABI_VIOLATION']);
      const nul = await post('shout', 'a\0b');
      expect([nul.status, await code(nul)]).toEqual([400, 'PLUGIN_INVALID_INPUT']);
      expect(await (await post('shout', 'still')).text()).toBe('>> STILL');
    });

    it('hot-swaps a new build of the legacy library dropped into the folder', async () => {
      const next = requireArtifact(manifest, 'legacy-shout-2', 'cxx', 'fixture');
      const file = join(plugins.root, 'shout', 'shout.so');
      copyFileSync(next, `${file}.tmp`);
      renameSync(`${file}.tmp`, file);
      await eventually(async () => (await (await post('shout', 'swap')).text()) === '>> SWAP!');
    });
  },
);
