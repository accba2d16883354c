// Legacy DLLs under Windows (docs/legacy-dlls.md): the MinGW g++ IModule DLL and the flat-C
// DLLs, adapted by declaration and called through koffi, in-process and in a child process; an
// output overrun caught; the loaded DLL hot-swapped in a watched folder (never locked: the
// runtime maps shadow copies); and the IModule DLL proven equal to its Wasm port.
import assert from 'node:assert/strict';
import { copyFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import {
  createRegistry,
  isPluginError,
  loadPlugin,
  type Plugin,
  watchPluginFolder,
} from '../../runtime/index.js';
import {
  GREET_ADAPTER,
  ROT13_ADAPTER,
  SHOUT_ADAPTER,
  writeLegacyFolder,
} from '../../scripts/legacy-fixtures.js';
import { cli, dll, hostArtifact, tempDir, text, utf8 } from './support.js';

const shoutDll = () => dll('legacy-shout', 'fixture', 'cxx');

async function rejectsWith(promise: Promise<unknown>, code: string): Promise<void> {
  await assert.rejects(promise, (error: unknown) => isPluginError(error) && error.code === code);
}

async function closing(plugin: Plugin): Promise<Plugin> {
  after(() => plugin.close());
  return plugin;
}

describe('legacy DLLs through adapters', () => {
  it('the MinGW g++ IModule DLL: slots called through the vtable, overrun caught in-process', async () => {
    const plugin = await closing(
      await loadPlugin({
        path: shoutDll(),
        config: '>> ',
        adapter: { ...SHOUT_ADAPTER, outputCapacity: 32 },
      }),
    );
    assert.equal(text(await plugin.processData(utf8('windows'))), '>> WINDOWS');
    await rejectsWith(plugin.processData(utf8('x'.repeat(40))), 'PLUGIN_ABI_VIOLATION');
    assert.equal(text(await plugin.processData(utf8('?live'))), '>> 1');
  });

  it('a virtual destructor under MinGW is laid out as Itanium says', async () => {
    const plugin = await closing(
      await loadPlugin({
        path: shoutDll(),
        config: '~',
        adapter: {
          kind: 'imodule',
          factory: 'CreateModuleWithDestructor',
          virtualDestructor: 'first',
          cxxAbi: 'itanium',
          outputCapacity: 16,
        },
      }),
    );
    await rejectsWith(plugin.processData(utf8('z'.repeat(20))), 'PLUGIN_ABI_VIOLATION');
    assert.equal(text(await plugin.processData(utf8('?live'))), '~1');
  });

  it('flat-C DLLs: __stdcall with a length pointer, and a returned string freed by its export', async () => {
    const rot13 = await closing(
      await loadPlugin({
        path: dll('legacy-rot13', 'fixture'),
        config: '13',
        adapter: ROT13_ADAPTER,
      }),
    );
    assert.equal(text(await rot13.processData(utf8('Hello\0'))), 'Uryyb\0');
    const greet = await closing(
      await loadPlugin({ path: dll('legacy-greet', 'fixture'), adapter: GREET_ADAPTER }),
    );
    assert.equal(text(await greet.processData(utf8('Ada'))), 'Hello, Ada!');
    assert.equal(text(await greet.processData(utf8('?outstanding'))), '0');
  });

  it('an output overrun in process isolation replaces the child, which serves the next call', {
    timeout: 120_000,
  }, async () => {
    const plugin = await closing(
      await loadPlugin({
        path: shoutDll(),
        config: '>> ',
        isolation: 'process',
        adapter: { ...SHOUT_ADAPTER, outputCapacity: 32 },
      }),
    );
    const [pid] = plugin.stats().pids;
    await rejectsWith(plugin.processData(utf8('y'.repeat(64))), 'PLUGIN_ABI_VIOLATION');
    assert.equal(text(await plugin.processData(utf8('after'))), '>> AFTER');
    assert.equal(plugin.stats().restarts, 1);
    assert.ok(!plugin.stats().pids.includes(pid!));
  });

  it('hot swap of the loaded legacy DLL in a watched folder (the file is never locked)', {
    timeout: 120_000,
  }, async () => {
    const root = tempDir('legacy-swap');
    writeLegacyFolder(root.path, 'shout', [shoutDll()], { config: '', force: true });
    const registry = createRegistry({ retentionMs: 0 });
    const folder = watchPluginFolder(registry, root.path, { prefer: 'native' });
    after(async () => {
      await folder.close();
      await registry.close();
      root.remove();
    });
    await folder.ready;
    assert.equal(registry.get('shout')?.active?.isolation, 'process');
    assert.equal(text(await registry.call('shout', utf8('one'))), 'ONE');
    const activated = registry.events.next('activated');
    const file = join(root.path, 'shout', 'shout.dll');
    // Overwritten in place while the old build is loaded: a mapped DLL would refuse this.
    writeFileSync(file, new Uint8Array(0));
    copyFileSync(dll('legacy-shout-2', 'fixture', 'cxx'), `${file}.tmp`);
    renameSync(`${file}.tmp`, file);
    await activated;
    assert.equal(text(await registry.call('shout', utf8('two'))), 'TWO!');
  });

  it("twinplug inspect lists the DLL's exports and suggests the imodule adapter", () => {
    const report = JSON.parse(cli(['inspect', shoutDll()]).stdout) as Record<string, unknown>;
    assert.equal(report.plugin, null);
    assert.ok((report.symbols as string[]).includes('CreateModule'));
    const suggested = cli(['inspect', shoutDll(), '--suggest-adapter']);
    assert.equal(suggested.status, 0, suggested.stderr);
    assert.equal(JSON.parse(suggested.stdout).adapter.factory, 'CreateModule');
  });

  it('twinplug conformance: the IModule DLL against its Wasm port', { timeout: 300_000 }, () => {
    const root = tempDir('legacy-conformance');
    try {
      const dir = writeLegacyFolder(
        root.path,
        'shout',
        [shoutDll(), hostArtifact('legacy-shout-port', 'clang-wasm', 'fixture')],
        { config: '>> ' },
      );
      writeFileSync(
        join(dir, 'cases.json'),
        JSON.stringify({
          plugin: 'shout',
          cases: [
            { name: 'letters', input: { utf8: 'hi' }, expect: { output: { utf8: '>> HI' } } },
          ],
        }),
      );
      const result = cli([
        'conformance',
        '--plugin',
        dir,
        '--fuzz',
        '200',
        '--grammar',
        'c-text',
        '--max-size',
        '200',
        '--seed',
        '7',
      ]);
      assert.equal(result.status, 0, `${result.stdout}\n${result.stderr}`);
      assert.match(result.stdout, /shout\.dll/);
    } finally {
      root.remove();
    }
  });
});
