import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isPluginFile, orderArtifacts, scanPluginFolder } from './folder-scan.js';

const root = mkdtempSync(join(tmpdir(), 'twinplug-scan-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function folder(name: string, files: string[]): void {
  mkdirSync(join(root, name), { recursive: true });
  for (const file of files) writeFileSync(join(root, name, file), 'x');
}

const hostSuffix =
  process.platform === 'win32' ? '.dll' : process.platform === 'darwin' ? '.dylib' : '.so';

describe('scanning a plugin folder', () => {
  it('finds the artifacts, manifest and cases, and nothing else', async () => {
    folder('upper', [
      'upper.wasm',
      'upper.so',
      'upper.dll',
      'plugin.json',
      'cases.json',
      'notes.txt',
      'upper.wasm.tmp',
    ]);
    const contents = await scanPluginFolder(root, 'upper');
    expect(contents?.wasm).toBe(join(root, 'upper', 'upper.wasm'));
    // This host's kind of library first, the other one after (it will be skipped, with a reason).
    const expected = hostSuffix === '.so' ? ['upper.so', 'upper.dll'] : ['upper.dll', 'upper.so'];
    expect(contents?.native).toEqual(expected.map((file) => join(root, 'upper', file)));
    expect(contents?.manifest).toBe(join(root, 'upper', 'plugin.json'));
    expect(contents?.cases).toBe(join(root, 'upper', 'cases.json'));
  });

  it('orders the twins by preference', async () => {
    folder('crc32', ['crc32.wasm', `crc32${hostSuffix}`]);
    const contents = (await scanPluginFolder(root, 'crc32'))!;
    expect(orderArtifacts(contents, 'wasm').map((p) => p.slice(-5))).toEqual([
      '.wasm',
      `crc32${hostSuffix}`.slice(-5),
    ]);
    expect(orderArtifacts(contents, 'native')[0]?.endsWith(hostSuffix)).toBe(true);
  });

  it('reports a missing folder as undefined', async () => {
    expect(await scanPluginFolder(root, 'nope')).toBeUndefined();
  });

  it('knows which file names matter', () => {
    expect(
      ['upper.wasm', 'upper.dll', 'upper.so', 'upper.dylib', 'plugin.json', 'cases.json'].every(
        (file) => isPluginFile('upper', file),
      ),
    ).toBe(true);
    expect(
      ['upper.wasm.tmp', '.upper.wasm.swp', 'crc32.wasm', 'upper.exe'].some((file) =>
        isPluginFile('upper', file),
      ),
    ).toBe(false);
  });
});
