import { describe, expect, it } from 'vitest';
import {
  decodeNulTerminated,
  defaultPluginInfo,
  isValidPluginName,
  parsePluginInfo,
} from './plugin-info.js';

describe('parsePluginInfo', () => {
  it('accepts the documented shape', () => {
    expect(
      parsePluginInfo('{"name":"upper","version":"1.2.3-rc.1","abi":1,"description":"x"}'),
    ).toEqual({
      name: 'upper',
      version: '1.2.3-rc.1',
      abi: 1,
      description: 'x',
    });
    expect(parsePluginInfo('{"name":"a","version":"0.0.1","abi":1}').description).toBe('');
  });

  it('an abi other than 1 is PLUGIN_ABI_MISMATCH', () => {
    expect(() => parsePluginInfo('{"name":"a","version":"1.0.0","abi":2}')).toThrow(
      expect.objectContaining({ code: 'PLUGIN_ABI_MISMATCH' }),
    );
    expect(() => parsePluginInfo('{"name":"a","version":"1.0.0"}')).toThrow(
      expect.objectContaining({ code: 'PLUGIN_ABI_MISMATCH' }),
    );
  });

  it.each([
    ['not JSON', 'hello'],
    ['an array', '[1]'],
    ['a bad name', '{"name":"../etc","version":"1.0.0","abi":1}'],
    ['a non-semver version', '{"name":"a","version":"1.0","abi":1}'],
    ['a non-string description', '{"name":"a","version":"1.0.0","abi":1,"description":3}'],
  ])('%s is PLUGIN_INFO_INVALID', (_label, text) => {
    expect(() => parsePluginInfo(text)).toThrow(
      expect.objectContaining({ code: 'PLUGIN_INFO_INVALID' }),
    );
  });
});

describe('decodeNulTerminated', () => {
  it('reads up to the NUL and refuses text without one or invalid UTF-8', () => {
    expect(decodeNulTerminated(new Uint8Array([0x68, 0x69, 0, 0x7a]))).toBe('hi');
    expect(() => decodeNulTerminated(new Uint8Array([0x68, 0x69]))).toThrow(
      expect.objectContaining({ code: 'PLUGIN_INFO_INVALID' }),
    );
    expect(() => decodeNulTerminated(new Uint8Array([0xff, 0]))).toThrow(
      expect.objectContaining({ code: 'PLUGIN_INFO_INVALID' }),
    );
  });
});

describe('plugin names', () => {
  it('refuses path tricks and names a plugin without PluginInfo after its file', () => {
    expect(isValidPluginName('pricing-v2.1')).toBe(true);
    for (const name of ['', '..', 'a/b', 'a\\b', '.hidden', 'a..b', 'x'.repeat(129)])
      expect(isValidPluginName(name)).toBe(false);
    expect(defaultPluginInfo('legacy.dll')).toEqual({
      name: 'legacy',
      version: '0.0.0',
      abi: 1,
      description: '',
    });
  });
});
