import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { deployArtifact } from './deploy.js';
import { tempPluginsDir } from './test-support/folder.js';

let plugins: ReturnType<typeof tempPluginsDir>;

beforeEach(() => {
  plugins = tempPluginsDir();
});

afterEach(() => plugins.cleanup());

describe('deployArtifact', () => {
  it('creates the plugin folder and leaves only the complete artifact behind', async () => {
    const path = await deployArtifact(plugins.root, 'echo', 'echo.wasm', Buffer.from('v1'));
    expect(path).toBe(join(plugins.root, 'echo', 'echo.wasm'));
    await deployArtifact(plugins.root, 'echo', 'echo.wasm', Buffer.from('v2'));
    expect(readFileSync(path, 'utf8')).toBe('v2');
    expect(readdirSync(join(plugins.root, 'echo'))).toEqual(['echo.wasm']);
  });

  it.each([
    ['../evil', 'evil.wasm'],
    ['echo', '../echo.wasm'],
    ['echo', 'other.wasm'],
    ['echo', 'echo.exe'],
  ])('refuses %s / %s with PLUGIN_INVALID_OPTIONS', async (name, file) => {
    await expect(deployArtifact(plugins.root, name, file, Buffer.from('x'))).rejects.toMatchObject({
      code: 'PLUGIN_INVALID_OPTIONS',
    });
    expect(readdirSync(plugins.root)).toEqual([]);
  });
});
