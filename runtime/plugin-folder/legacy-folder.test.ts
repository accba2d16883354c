import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LEGACY, legacyPair, writeLegacyFolder } from '../../scripts/legacy-fixtures.js';
import { createRegistry, type PluginRegistry } from '../registry/index.js';
import {
  artifact,
  isSkipped,
  manifest,
  text,
  toolchainTitle,
  utf8,
} from '../test-support/artifacts.js';
import { type PluginFolder, watchPluginFolder } from './plugin-folder.js';
import { tempPluginsDir } from './test-support/folder.js';

let plugins: ReturnType<typeof tempPluginsDir>;
let registry: PluginRegistry;
let folder: PluginFolder | undefined;

beforeEach(() => {
  plugins = tempPluginsDir();
  registry = createRegistry();
});

afterEach(async () => {
  await folder?.close();
  folder = undefined;
  await registry.close();
  plugins.cleanup();
});

async function watching(): Promise<PluginFolder> {
  folder = watchPluginFolder(registry, plugins.root);
  await folder.ready;
  return folder;
}

describe.skipIf(isSkipped('cxx'))(
  `a legacy IModule in a watched folder (${toolchainTitle('cxx')})`,
  () => {
    it('is served from a child process by default, beside its Wasm twin', async () => {
      const { native, wasm } = legacyPair(manifest, 'shout');
      writeLegacyFolder(plugins.root, 'shout', [native, wasm], { prefer: 'native', config: '>> ' });
      await watching();
      const active = registry.get('shout')?.active;
      expect(active).toMatchObject({ backend: 'native', isolation: 'process', version: '1.0.0' });
      expect(text(await registry.call('shout', utf8('folder')))).toBe('>> FOLDER');
    });

    it('runs in a child process even when plugin.json places only the Wasm twin', async () => {
      const { native } = legacyPair(manifest, 'shout');
      writeLegacyFolder(plugins.root, 'shout', [native], { isolation: { wasm: 'worker' } });
      await watching();
      expect(registry.get('shout')?.active?.isolation).toBe('process');
    });

    it('hot-swaps a new build of the library; an overrun replaces the child, the version keeps serving', async () => {
      const { native } = legacyPair(manifest, 'shout');
      const adapter = { ...LEGACY.shout.adapter, outputCapacity: 32 };
      writeLegacyFolder(plugins.root, 'shout', [native], { config: '', force: true, adapter });
      await watching();
      expect(text(await registry.call('shout', utf8('one')))).toBe('ONE');
      const activated = registry.events.next('activated');
      plugins.deploy(
        'shout',
        'shout.so',
        readFileSync(artifact('legacy-shout-2', 'cxx', 'fixture')),
      );
      await activated;
      expect(text(await registry.call('shout', utf8('two')))).toBe('TWO!');
      await expect(registry.call('shout', utf8('w'.repeat(40)))).rejects.toMatchObject({
        code: 'PLUGIN_ABI_VIOLATION',
      });
      expect(text(await registry.call('shout', utf8('three')))).toBe('THREE!');
    });
  },
);

describe.skipIf(isSkipped('cc'))(
  `legacy adapters refused in plugin.json (${toolchainTitle('cc')})`,
  () => {
    it('an adapter of the wrong shape is a folder failure naming the field', async () => {
      const { native } = legacyPair(manifest, 'greet');
      writeLegacyFolder(plugins.root, 'greet', [native], {
        adapter: { ...LEGACY.greet.adapter, convention: 'string-both-ways' },
      });
      folder = watchPluginFolder(registry, plugins.root);
      const failed = folder.events.next('failed');
      await folder.ready;
      expect((await failed).error).toMatchObject({
        code: 'PLUGIN_MANIFEST_INVALID',
        details: { field: 'adapter.convention' },
      });
      expect(registry.has('greet')).toBe(false);
    });

    it('a prototype koffi cannot parse fails the load with a manifest error naming the field', async () => {
      const { native } = legacyPair(manifest, 'greet');
      writeLegacyFolder(plugins.root, 'greet', [native], {
        adapter: { ...LEGACY.greet.adapter, process: 'char *Greet(const schar *name)' },
      });
      const failed = registry.events.next('failed');
      await watching();
      expect((await failed).error).toMatchObject({
        code: 'PLUGIN_MANIFEST_INVALID',
        details: { field: 'adapter.process' },
      });
    });

    it('rot13 (length pointer) and greet (returned string) serve from the folder', async () => {
      writeLegacyFolder(plugins.root, 'rot13', [legacyPair(manifest, 'rot13').native]);
      writeLegacyFolder(plugins.root, 'greet', [legacyPair(manifest, 'greet').native]);
      await watching();
      expect(text(await registry.call('rot13', utf8('Hello')))).toBe('Uryyb');
      expect(text(await registry.call('greet', utf8('Grace')))).toBe('Hello, Grace!');
    });
  },
);
