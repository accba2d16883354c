import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { collectDependencies } from './dependencies.js';
import { readPeImports } from './pe-imports.js';
import { peImage } from './test-support/pe-image.js';

describe('readPeImports', () => {
  it('reads load-time imports, then delay-loaded ones, each name once', () => {
    const image = peImage({
      imports: ['KERNEL32.dll', 'helper.dll', 'msvcrt.dll'],
      delayImports: ['lazy.dll', 'HELPER.DLL'],
    });
    expect(readPeImports(image)).toEqual(['KERNEL32.dll', 'helper.dll', 'msvcrt.dll', 'lazy.dll']);
  });

  it('is empty for an image without imports, and for bytes cut short', () => {
    expect(readPeImports(peImage({}))).toEqual([]);
    const image = peImage({ imports: ['helper.dll'] });
    expect(readPeImports(image.subarray(0, 0x1f0))).toEqual([]);
    expect(readPeImports(new Uint8Array([0x4d, 0x5a]))).toEqual([]);
  });
});

describe('collectDependencies', () => {
  const folder = (files: Record<string, Uint8Array>): string => {
    const dir = mkdtempSync(join(tmpdir(), 'twinplug-deps-test-'));
    for (const [name, bytes] of Object.entries(files)) writeFileSync(join(dir, name), bytes);
    return dir;
  };

  it('takes only the imports found beside the plugin, leaves first, through cycles', () => {
    const plugin = peImage({ imports: ['KERNEL32.dll', 'A.dll'] });
    const dir = folder({
      'plugin.dll': plugin,
      'a.dll': peImage({ imports: ['b.dll', 'msvcrt.dll'] }),
      'b.dll': peImage({ imports: ['a.dll'] }),
      'unrelated.dll': peImage({}),
    });
    const found = collectDependencies(plugin, 'plugin.dll', dir);
    expect(found.map((dependency) => dependency.fileName)).toEqual(['b.dll', 'a.dll']);
  });

  it('never copies the plugin itself, and finds nothing in a folder that is not there', () => {
    const plugin = peImage({ imports: ['plugin.dll'] });
    expect(collectDependencies(plugin, 'plugin.dll', folder({ 'plugin.dll': plugin }))).toEqual([]);
    expect(collectDependencies(plugin, 'plugin.dll', join(tmpdir(), 'no-such-folder-x'))).toEqual(
      [],
    );
  });
});
