import { describe, expect, it } from 'vitest';
import { FOLDER_ISOLATION } from '../options.js';
import type { PluginFolderContents } from './folder-scan.js';
import { folderSource } from './folder-source.js';
import { parseManifest } from './manifest.js';

const contents: PluginFolderContents = {
  name: 'upper',
  dir: '/plugins/upper',
  wasm: '/plugins/upper/upper.wasm',
  native: ['/plugins/upper/upper.so'],
  manifest: undefined,
  cases: undefined,
};

const manifest = (json: object) => parseManifest(JSON.stringify(json), 'upper', 'plugin.json');

describe('folderSource', () => {
  it('places a dropped-in plugin by default: Wasm metered in-process, native in a child process', () => {
    expect(folderSource(contents, undefined, 'wasm').isolation).toEqual(FOLDER_ISOLATION);
    expect(folderSource(contents, manifest({}), 'wasm').isolation).toEqual(FOLDER_ISOLATION);
    expect(FOLDER_ISOLATION).toEqual({ wasm: 'in-process', native: 'process' });
  });

  it('plugin.json opts a trusted plugin into in-process, and sets the guard limits', () => {
    const source = folderSource(
      contents,
      manifest({ isolation: 'in-process', limits: { maxInputBytes: 10, maxOutputBytes: 20 } }),
      'wasm',
    );
    expect(source).toMatchObject({
      isolation: 'in-process',
      maxInputBytes: 10,
      maxOutputBytes: 20,
    });
    const timed = folderSource(contents, manifest({ limits: { timeoutMs: 250 } }), 'wasm');
    expect(timed).toMatchObject({ isolation: FOLDER_ISOLATION, timeoutMs: 250 });
  });

  it('plugin.json names the environment variables the plugin may see, never TWINPLUG_ ones', () => {
    expect(folderSource(contents, manifest({ env: ['LANG'] }), 'wasm').env).toEqual(['LANG']);
    expect(folderSource(contents, manifest({}), 'wasm').env).toBeUndefined();
    for (const env of [['TWINPLUG_ADMIN_TOKEN'], ['A=B'], 'LANG'])
      expect(() => manifest({ env })).toThrow(
        expect.objectContaining({ code: 'PLUGIN_MANIFEST_INVALID' }),
      );
  });
});
