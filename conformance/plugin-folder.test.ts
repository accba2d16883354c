import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readPluginFolder } from './plugin-folder.js';

const root = mkdtempSync(join(tmpdir(), 'twinplug-plugin-folder-'));

function folder(name: string, files: Record<string, string>): string {
  const dir = join(root, name);
  mkdirSync(dir, { recursive: true });
  for (const [file, content] of Object.entries(files)) writeFileSync(join(dir, file), content);
  return dir;
}

describe('readPluginFolder', () => {
  it("takes the folder's name without a plugin.json, native artifacts first, and cases.json", async () => {
    const dir = folder('upper', {
      'upper.wasm': '',
      'upper.so': '',
      'upper.dll': '',
      'cases.json': '{}',
      'x.so': '',
    });
    expect(await readPluginFolder(dir)).toEqual({
      dir,
      name: 'upper',
      artifacts: [
        { path: join(dir, 'upper.dll') },
        { path: join(dir, 'upper.so') },
        { path: join(dir, 'upper.wasm') },
      ],
      config: undefined,
      casesPath: join(dir, 'cases.json'),
    });
  });

  it("takes plugin.json's config, leaves its other keys to the server, and does without cases.json", async () => {
    const dir = folder('redact', {
      'plugin.json': JSON.stringify({
        prefer: 'wasm',
        config: { words: ['a'] },
        limits: { maxMemoryPages: 64 },
      }),
      'redact.wasm': '',
      'other.wasm': '',
    });
    const found = await readPluginFolder(dir);
    expect(found).toMatchObject({ name: 'redact', config: { words: ['a'] }, casesPath: undefined });
    expect(found.artifacts).toEqual([{ path: join(dir, 'redact.wasm') }]);
  });

  it.each([
    ['a missing folder', () => join(root, 'missing')],
    ['a folder without <name>.*', () => folder('empty', { 'other.wasm': '' })],
    [
      'a plugin.json that is not JSON',
      () => folder('broken', { 'plugin.json': '{', 'broken.wasm': '' }),
    ],
    [
      'a plugin.json that is not an object',
      () => folder('list', { 'plugin.json': '[]', 'list.wasm': '' }),
    ],
  ])('refuses %s with CONFORMANCE_PLUGIN_DIR_INVALID', async (_, make) => {
    await expect(readPluginFolder(make())).rejects.toMatchObject({
      code: 'CONFORMANCE_PLUGIN_DIR_INVALID',
    });
  });
});
