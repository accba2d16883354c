import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createRegistry, type PluginRegistry } from '../registry/index.js';
import { bytes, recordEvents, text } from '../registry/test-support/fake-artifacts.js';
import { createFakeLoader, type FakeSpec } from '../registry/test-support/fake-plugin.js';
import { type PluginFolder, watchPluginFolder } from './plugin-folder.js';
import { tempPluginsDir } from './test-support/folder.js';

let plugins: ReturnType<typeof tempPluginsDir>;
let registry: PluginRegistry;
let folder: PluginFolder | undefined;

const fakeEcho = (version: string, extra: Partial<FakeSpec> = {}) =>
  JSON.stringify({ name: 'echo', version, ...extra });

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

async function watching(): Promise<PluginFolder> {
  folder = watchPluginFolder(registry, plugins.root, { prefer: 'wasm' });
  await folder.ready;
  return folder;
}

const activated = (version: string) =>
  registry.events.next('activated', (event) => event.version.version === version);

describe('a watched plugins folder', () => {
  it('loads the folders present at start, then new ones as they appear', async () => {
    plugins.write('echo', 'echo.wasm', fakeEcho('1.0.0'));
    const ready = await watching();
    expect(registry.get('echo')?.active?.version).toBe('1.0.0');
    const other = registry.events.next('activated', (event) => event.name === 'other');
    plugins.deploy('other', 'other.wasm', JSON.stringify({ name: 'other', version: '3.1.0' }));
    await other;
    expect(text(await registry.call('other', bytes('x')))).toBe('3.1.0:x');
    expect(ready.dir).toBe(plugins.root);
  });

  it('hot-swaps an artifact renamed into place', async () => {
    plugins.write('echo', 'echo.wasm', fakeEcho('1.0.0'));
    await watching();
    const swapped = activated('2.0.0');
    plugins.deploy('echo', 'echo.wasm', fakeEcho('2.0.0'));
    await swapped;
    expect(text(await registry.call('echo', bytes('x')))).toBe('2.0.0:x');
  });

  it('unloads a plugin whose folder is removed', async () => {
    plugins.write('echo', 'echo.wasm', fakeEcho('1.0.0'));
    await watching();
    const removed = registry.events.next('removed');
    plugins.remove('echo');
    await removed;
    await expect(registry.call('echo', bytes('x'))).rejects.toMatchObject({
      code: 'PLUGIN_NOT_FOUND',
    });
  });

  it('keeps serving from the twin left when one artifact is deleted', async () => {
    plugins.write('echo', 'echo.so', fakeEcho('1.0.0', { backend: 'native' }));
    plugins.write('echo', 'echo.wasm', fakeEcho('1.0.0', { backend: 'wasm' }));
    await watching();
    expect(registry.get('echo')?.active?.backend).toBe('wasm');
    const swapped = registry.events.next('activated');
    plugins.remove('echo', 'echo.wasm');
    expect((await swapped).version.backend).toBe('native');
  });

  it('with `only`, loads that backend alone: a folder without one is not loaded', async () => {
    plugins.write('echo', 'echo.so', fakeEcho('1.0.0', { backend: 'native' }));
    plugins.write('echo', 'echo.wasm', fakeEcho('1.0.0', { backend: 'wasm' }));
    plugins.write('solo', 'solo.wasm', JSON.stringify({ name: 'solo', version: '1.0.0' }));
    folder = watchPluginFolder(registry, plugins.root, { prefer: 'wasm', only: 'native' });
    await folder.ready;
    expect(registry.get('echo')?.active?.backend).toBe('native');
    expect(registry.has('solo')).toBe(false);
    const removed = registry.events.next('removed');
    plugins.remove('echo', 'echo.so');
    await removed;
    expect(registry.has('echo')).toBe(false);
  });

  it('takes the preferred backend from plugin.json', async () => {
    plugins.write('echo', 'echo.so', fakeEcho('1.0.0', { backend: 'native' }));
    plugins.write('echo', 'echo.wasm', fakeEcho('1.0.0', { backend: 'wasm' }));
    plugins.write('echo', 'plugin.json', JSON.stringify({ prefer: 'native' }));
    await watching();
    expect(registry.get('echo')?.active?.backend).toBe('native');
  });

  it('reports an invalid plugin.json and keeps the active version', async () => {
    plugins.write('echo', 'echo.wasm', fakeEcho('1.0.0'));
    const watched = await watching();
    const failed = watched.events.next('failed');
    plugins.write('echo', 'plugin.json', JSON.stringify({ prefer: 'native', colour: 'blue' }));
    expect(await failed).toMatchObject({
      name: 'echo',
      error: { code: 'PLUGIN_MANIFEST_INVALID', details: { field: 'colour' } },
    });
    expect(text(await registry.call('echo', bytes('x')))).toBe('1.0.0:x');
  });

  it('leaves a half-written artifact alone, and takes it once complete', async () => {
    plugins.write('echo', 'echo.wasm', fakeEcho('1.0.0'));
    await watching();
    const events = recordEvents(registry);
    const failed = registry.events.next('failed');
    const full = fakeEcho('2.0.0');
    plugins.write('echo', 'echo.wasm', full.slice(0, full.length / 2));
    expect((await failed).error.code).toBe('PLUGIN_FORMAT_INVALID');
    expect(text(await registry.call('echo', bytes('x')))).toBe('1.0.0:x');
    const swapped = activated('2.0.0');
    plugins.write('echo', 'echo.wasm', full);
    await swapped;
    expect(events.filter((event) => event.type === 'failed')).toHaveLength(1);
  });

  it('loads a lazy plugin on its first call', async () => {
    plugins.write('echo', 'echo.wasm', fakeEcho('1.0.0'));
    plugins.write('echo', 'plugin.json', JSON.stringify({ lazy: true }));
    await watching();
    expect(registry.get('echo')).toMatchObject({ lazy: true, active: undefined });
    expect(text(await registry.call('echo', bytes('x')))).toBe('1.0.0:x');
  });

  it('ignores a folder whose name is not a plugin name, once', async () => {
    plugins.write('not a name!', 'x.wasm', 'whatever');
    const watched = watchPluginFolder(registry, plugins.root);
    folder = watched;
    const ignored = watched.events.next('ignored');
    await watched.ready;
    expect(await ignored).toMatchObject({ name: 'not a name!' });
    expect(registry.list()).toEqual([]);
  });

  it('ignores stray files: temporary files and files at the top level', async () => {
    plugins.write('echo', 'echo.wasm', fakeEcho('1.0.0'));
    await watching();
    const events = recordEvents(registry);
    plugins.write('echo', 'echo.wasm.tmp', fakeEcho('9.0.0'));
    plugins.write('echo', 'notes.txt', 'hello');
    const other = registry.events.next('activated', (event) => event.name === 'other');
    plugins.deploy('other', 'other.wasm', JSON.stringify({ name: 'other', version: '1.0.0' }));
    await other;
    expect(events.filter((event) => event.name === 'echo')).toEqual([]);
  });

  it('hot-swaps with polling too (network shares)', async () => {
    plugins.write('echo', 'echo.wasm', fakeEcho('1.0.0'));
    folder = watchPluginFolder(registry, plugins.root, { prefer: 'wasm', usePolling: true });
    await folder.ready;
    const swapped = activated('2.0.0');
    plugins.deploy('echo', 'echo.wasm', fakeEcho('2.0.0'));
    await swapped;
    expect(text(await registry.call('echo', bytes('x')))).toBe('2.0.0:x');
  });

  it('swaps twice in quick succession (chokidar throttles change events for 50 ms)', async () => {
    plugins.write('echo', 'echo.wasm', fakeEcho('1.0.0'));
    await watching();
    const second = activated('3.0.0');
    const first = activated('2.0.0');
    plugins.deploy('echo', 'echo.wasm', fakeEcho('2.0.0'));
    await first;
    plugins.deploy('echo', 'echo.wasm', fakeEcho('3.0.0'));
    await second;
    expect(text(await registry.call('echo', bytes('x')))).toBe('3.0.0:x');
  });

  it('refuses a directory that does not exist', () => {
    expect(() => watchPluginFolder(registry, `${plugins.root}/missing`)).toThrow(
      expect.objectContaining({ code: 'PLUGIN_INVALID_OPTIONS' }),
    );
  });
});
