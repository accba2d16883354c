// A plugin DLL with a dependency of its own: uses-helper.dll imports helper_prefix from
// helper.dll, which sits beside it. The runtime loads a shadow copy from a temporary folder,
// so the dependency must come along (docs/windows.md, "DLL search path").
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { createRegistry, loadPlugin, watchPluginFolder } from '../../runtime/index.js';
import { dll, errnoOf, shadowLoads, tempDir, text, utf8 } from './support.js';

/** A deploy folder holding uses-helper.dll, and helper.dll unless told otherwise. */
function deployFolder(withHelper: boolean): string {
  const folder = tempDir('deps');
  after(folder.remove);
  copyFileSync(dll('uses-helper', 'fixture'), join(folder.path, 'uses-helper.dll'));
  if (withHelper) copyFileSync(dll('helper', 'fixture'), join(folder.path, 'helper.dll'));
  return folder.path;
}

function shadowFolder(): string {
  const shadow = tempDir('deps-shadow');
  after(shadow.remove);
  return shadow.path;
}

describe("a plugin DLL's own dependencies", () => {
  it('uses-helper.dll loads with helper.dll beside it and calls into it', async () => {
    const shadowDir = shadowFolder();
    const plugin = await loadPlugin({
      path: join(deployFolder(true), 'uses-helper.dll'),
      shadowDir,
    });
    assert.equal(text(await plugin.processData(utf8('hi'))), 'helper:hi');
    // Both were copied: the plugin runs from its shadow folder, next to its own helper copy.
    assert.deepEqual(
      shadowLoads(shadowDir).map((load) => load.files),
      [['helper.dll', 'uses-helper.dll']],
    );
    await plugin.close();
    assert.deepEqual(shadowLoads(shadowDir), []);
  });

  it('without helper.dll beside it, the load fails with PLUGIN_LOAD_FAILED', async () => {
    await assert.rejects(
      loadPlugin({ path: join(deployFolder(false), 'uses-helper.dll'), shadowDir: shadowFolder() }),
      { code: 'PLUGIN_LOAD_FAILED' },
    );
  });

  it('neither the plugin nor its dependency is locked in the deploy folder while it runs', async () => {
    const folder = deployFolder(true);
    const plugin = await loadPlugin({
      path: join(folder, 'uses-helper.dll'),
      shadowDir: shadowFolder(),
    });
    const helper = join(folder, 'helper.dll');
    assert.equal(
      errnoOf(() => writeFileSync(helper, readFileSync(helper))),
      undefined,
    );
    assert.equal(
      errnoOf(() => renameSync(helper, `${helper}.old`)),
      undefined,
    );
    assert.equal(
      errnoOf(() => writeFileSync(join(folder, 'uses-helper.dll'), utf8('replaced'))),
      undefined,
    );
    assert.equal(text(await plugin.processData(utf8('still'))), 'helper:still');
    await plugin.close();
  });

  it('a DLL given as bytes finds its dependencies in dependencyDir, and only there', async () => {
    const folder = deployFolder(true);
    const bytes = readFileSync(join(folder, 'uses-helper.dll'));
    const plugin = await loadPlugin({
      bytes,
      fileName: 'uses-helper.dll',
      dependencyDir: folder,
      shadowDir: shadowFolder(),
    });
    assert.equal(text(await plugin.processData(utf8('b'))), 'helper:b');
    await plugin.close();
    await assert.rejects(
      loadPlugin({ bytes, fileName: 'uses-helper.dll', shadowDir: shadowFolder() }),
      { code: 'PLUGIN_LOAD_FAILED' },
    );
  });

  it('the current directory does not stand in for the plugin folder', async () => {
    // With the plugin's folder as the working directory, a plain LoadLibrary would find
    // helper.dll there and lock it; the runtime has already loaded its own copy by full path.
    const folder = deployFolder(true);
    const previous = process.cwd();
    process.chdir(folder);
    try {
      const plugin = await loadPlugin({ path: 'uses-helper.dll', shadowDir: shadowFolder() });
      const helper = join(folder, 'helper.dll');
      assert.equal(
        errnoOf(() => writeFileSync(helper, readFileSync(helper))),
        undefined,
      );
      assert.equal(text(await plugin.processData(utf8('cwd'))), 'helper:cwd');
      await plugin.close();
    } finally {
      process.chdir(previous);
    }
  });

  it('a registry finds helper.dll beside the artifact, though it loads the bytes it hashed', async () => {
    const folder = deployFolder(true);
    const registry = createRegistry();
    try {
      await registry.register('uses-helper', {
        artifacts: join(folder, 'uses-helper.dll'),
        shadowDir: shadowFolder(),
      });
      assert.equal(text(await registry.call('uses-helper', utf8('r'))), 'helper:r');
    } finally {
      await registry.close();
    }
  });

  it('a watched folder serves uses-helper.dll, in its child process, with helper.dll beside it', async () => {
    const root = tempDir('deps-watched');
    after(root.remove);
    const dir = join(root.path, 'uses-helper');
    mkdirSync(dir);
    copyFileSync(dll('helper', 'fixture'), join(dir, 'helper.dll'));
    copyFileSync(dll('uses-helper', 'fixture'), join(dir, 'uses-helper.dll'));
    const registry = createRegistry();
    const watched = watchPluginFolder(registry, root.path, { prefer: 'native' });
    try {
      await watched.ready;
      assert.equal(registry.get('uses-helper')?.active?.isolation, 'process');
      assert.equal(text(await registry.call('uses-helper', utf8('w'))), 'helper:w');
    } finally {
      await watched.close();
      await registry.close();
    }
  });
});
