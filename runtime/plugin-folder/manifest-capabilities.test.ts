import { describe, expect, it } from 'vitest';
import { isPluginError } from '../errors.js';
import { folderSource } from './folder-source.js';
import { parseManifest } from './manifest.js';

const parse = (value: unknown) =>
  parseManifest(JSON.stringify(value), 'upper', '/p/upper/plugin.json');

function fieldOf(value: unknown): unknown {
  try {
    parse(value);
  } catch (error) {
    if (isPluginError(error, 'PLUGIN_MANIFEST_INVALID')) return error.details?.field;
    throw error;
  }
  return 'accepted';
}

describe('plugin.json capabilities', () => {
  it('reads capabilities and passes them to the registry source', () => {
    const capabilities = {
      log: { linesPerSecond: 5 },
      kv: true,
      hostFunctions: ['acme.lookup'],
      wasi: { clock: 'fixed' },
    };
    const manifest = parse({ capabilities });
    expect(manifest.capabilities).toEqual(capabilities);
    const contents = {
      name: 'upper',
      dir: '/p/upper',
      wasm: '/p/upper/upper.wasm',
      native: [],
      manifest: '/p/upper/plugin.json',
      cases: undefined,
    };
    const source = folderSource(contents, manifest, 'wasm');
    expect(source.capabilities).toEqual(capabilities);
  });

  it('grants nothing without the key', () => {
    expect(parse({}).capabilities).toBeUndefined();
  });

  it.each([
    { log: { linesPerSecond: 0 } },
    { kv: { maxBytes: 'lots' } },
    { hostFunctions: 'acme.lookup' },
    { hostFunctions: ['has space'] },
    { wasi: { clock: 'sundial' } },
    { files: true },
  ])('refuses %j with PLUGIN_MANIFEST_INVALID naming "capabilities"', (capabilities) => {
    expect(fieldOf({ capabilities })).toBe('capabilities');
  });
});
