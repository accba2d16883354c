import { describe, expect, it } from 'vitest';
import { isPluginError } from '../errors.js';
import { parseManifest } from './manifest.js';

const parse = (value: unknown) =>
  parseManifest(JSON.stringify(value), 'upper', '/p/upper/plugin.json');

function fieldOf(text: string): unknown {
  try {
    parseManifest(text, 'upper', '/p/upper/plugin.json');
  } catch (error) {
    if (isPluginError(error, 'PLUGIN_MANIFEST_INVALID')) return error.details?.field ?? 'file';
    throw error;
  }
  return 'accepted';
}

describe('plugin.json', () => {
  it('reads every documented key', () => {
    const hash = 'AB'.repeat(32);
    expect(
      parse({
        prefer: 'native',
        config: { words: ['secret'] },
        sha256: { 'upper.wasm': hash },
        limits: { maxOutputBytes: 1024, maxMemoryPages: 16 },
        lazy: true,
        idleUnloadMs: 60_000,
        keepLoaded: true,
        force: true,
      }),
    ).toEqual({
      prefer: 'native',
      config: { words: ['secret'] },
      sha256: { 'upper.wasm': hash.toLowerCase() },
      limits: { maxOutputBytes: 1024, maxMemoryPages: 16 },
      lazy: true,
      idleUnloadMs: 60_000,
      keepLoaded: true,
      force: true,
    });
  });

  it('reads isolation, as one mode or per backend, and the guard limits', () => {
    const limits = {
      timeoutMs: 500,
      loadTimeoutMs: 2000,
      maxInputBytes: 64,
      concurrency: 2,
      maxQueuedCalls: 5,
    };
    expect(parse({ isolation: 'in-process' })).toMatchObject({ isolation: 'in-process' });
    expect(parse({ isolation: { wasm: 'worker', native: 'process' }, limits })).toMatchObject({
      isolation: { wasm: 'worker', native: 'process' },
      limits,
    });
    expect(parse({})).toMatchObject({ isolation: undefined });
  });

  it('fills defaults for an empty object', () => {
    expect(parse({})).toEqual({
      prefer: undefined,
      config: undefined,
      sha256: {},
      limits: {},
      lazy: false,
      idleUnloadMs: undefined,
      keepLoaded: false,
      force: false,
    });
  });

  it.each([
    ['not JSON', '{ prefer: native }', 'file'],
    ['not an object', '[]', 'file'],
    ['an unknown key', '{"colour":"blue"}', 'colour'],
    ['a misspelt key', '{"prefers":"wasm"}', 'prefers'],
    ['prefer not a backend', '{"prefer":"jvm"}', 'prefer'],
    ['sha256 for another file', `{"sha256":{"crc32.wasm":"${'0'.repeat(64)}"}}`, 'sha256'],
    ['sha256 not hex', '{"sha256":{"upper.so":"xyz"}}', 'sha256'],
    ['sha256 not a map', `{"sha256":"${'0'.repeat(64)}"}`, 'sha256'],
    ['an unknown limit', '{"limits":{"maxCpu":1}}', 'maxCpu'],
    ['a limit out of range', '{"limits":{"maxMemoryPages":70000}}', 'limits'],
    ['a limit not an integer', '{"limits":{"maxOutputBytes":1.5}}', 'limits'],
    ['lazy not a boolean', '{"lazy":"yes"}', 'lazy'],
    ['force not a boolean', '{"force":1}', 'force'],
    ['idleUnloadMs not positive', '{"idleUnloadMs":0}', 'idleUnloadMs'],
    ['an unknown isolation', '{"isolation":"vm"}', 'isolation'],
    ['a worker for native', '{"isolation":{"native":"worker"}}', 'isolation'],
    ['an unknown backend in isolation', '{"isolation":{"jvm":"process"}}', 'isolation'],
    // A timeout in-process is for metered Wasm: a native twin is refused when it loads.
    [
      'concurrency in-process',
      '{"isolation":"in-process","limits":{"concurrency":2}}',
      'isolation',
    ],
    ['no concurrency', '{"limits":{"concurrency":0}}', 'limits'],
  ])('refuses %s with PLUGIN_MANIFEST_INVALID naming the field', (_label, text, field) => {
    expect(fieldOf(text)).toBe(field);
  });
});
