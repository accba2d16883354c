import { describe, expect, it } from 'vitest';
import {
  DEFAULT_MAX_MEMORY_PAGES,
  DEFAULT_MAX_OUTPUT_BYTES,
  type LoadPluginOptions,
  resolveLoadOptions,
} from './options.js';

describe('resolveLoadOptions', () => {
  it('fills every default once', () => {
    const resolved = resolveLoadOptions('a.wasm');
    expect(resolved).toMatchObject({
      source: { path: 'a.wasm' },
      backend: 'auto',
      sha256: undefined,
      maxOutputBytes: DEFAULT_MAX_OUTPUT_BYTES,
      maxMemoryPages: DEFAULT_MAX_MEMORY_PAGES,
      callingConvention: 'cdecl',
    });
    expect(resolved.config).toEqual(new Uint8Array(0));
  });

  it('serialises config: bytes as they are, strings as UTF-8, values as JSON', () => {
    expect(resolveLoadOptions({ path: 'a', config: new Uint8Array([1, 2]) }).config).toEqual(
      new Uint8Array([1, 2]),
    );
    expect(new TextDecoder().decode(resolveLoadOptions({ path: 'a', config: 'é' }).config)).toBe(
      'é',
    );
    expect(
      new TextDecoder().decode(resolveLoadOptions({ path: 'a', config: { words: ['x'] } }).config),
    ).toBe('{"words":["x"]}');
  });

  it.each<[string, LoadPluginOptions]>([
    ['neither path nor bytes', {}],
    ['both path and bytes', { path: 'a', bytes: new Uint8Array(1) }],
    ['an empty path', { path: '' }],
    ['a file name with a path in it', { bytes: new Uint8Array(1), fileName: '../x.so' }],
    ['a file name with a path', { path: 'a', fileName: 'x.so' }],
    ['an unknown backend', { path: 'a', backend: 'jvm' as 'wasm' }],
    ['a calling convention for Wasm', { path: 'a', backend: 'wasm', callingConvention: 'stdcall' }],
    ['a memory cap for native', { path: 'a', backend: 'native', maxMemoryPages: 10 }],
    ['an unknown calling convention', { path: 'a', callingConvention: 'fastcall' as 'cdecl' }],
    ['a short sha256', { path: 'a', sha256: 'abc' }],
    ['zero memory pages', { path: 'a', maxMemoryPages: 0 }],
    ['too many memory pages', { path: 'a', maxMemoryPages: 65537 }],
    ['a fractional output limit', { path: 'a', maxOutputBytes: 1.5 }],
  ])('refuses %s with PLUGIN_INVALID_OPTIONS', (_label, options) => {
    expect(() => resolveLoadOptions(options)).toThrow(
      expect.objectContaining({ code: 'PLUGIN_INVALID_OPTIONS' }),
    );
  });
});
