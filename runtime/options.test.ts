import { describe, expect, it } from 'vitest';
import {
  DEFAULT_BREAKER,
  DEFAULT_MAX_INPUT_BYTES,
  DEFAULT_MAX_MEMORY_PAGES,
  DEFAULT_MAX_OUTPUT_BYTES,
  DEFAULT_MAX_QUEUED_CALLS,
  DEFAULT_TIMEOUT_MS,
  ISOLATED_MODES,
  type LoadPluginOptions,
  resolveIsolation,
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
    ['a dependency folder for Wasm', { path: 'a', backend: 'wasm', dependencyDir: 'plugins' }],
    ['an empty dependency folder', { path: 'a', dependencyDir: '' }],
    ['an unknown calling convention', { path: 'a', callingConvention: 'fastcall' as 'cdecl' }],
    ['a short sha256', { path: 'a', sha256: 'abc' }],
    ['zero memory pages', { path: 'a', maxMemoryPages: 0 }],
    ['too many memory pages', { path: 'a', maxMemoryPages: 65537 }],
    ['a fractional output limit', { path: 'a', maxOutputBytes: 1.5 }],
    ['an unknown isolation', { path: 'a', isolation: 'vm' as 'worker' }],
    ['a worker for a native library', { path: 'a', backend: 'native', isolation: 'worker' }],
    [
      'a timeout for native in-process',
      { path: 'a', backend: 'native', isolation: 'in-process', timeoutMs: 100 },
    ],
    [
      'a timeout for unmetered Wasm in-process',
      { path: 'a', isolation: 'in-process', metering: false, timeoutMs: 100 },
    ],
    ['metering for native', { path: 'a', backend: 'native', metering: true }],
    ['metering that is not a boolean', { path: 'a', metering: 'yes' as never }],
    ['a load timeout in-process', { path: 'a', isolation: 'in-process', loadTimeoutMs: 100 }],
    ['concurrency in-process', { path: 'a', isolation: 'in-process', concurrency: 2 }],
    ['a queue deadline in-process', { path: 'a', isolation: 'in-process', queueTimeoutMs: 5 }],
    ['a zero queue deadline', { path: 'a', isolation: 'worker', queueTimeoutMs: 0 }],
    ['an env name with =', { path: 'a', isolation: 'process', env: ['A=B'] }],
    ['a TWINPLUG_ env name', { path: 'a', isolation: 'process', env: ['TWINPLUG_X'] }],
    ['zero concurrency', { path: 'a', isolation: 'worker', concurrency: 0 }],
    ['a negative queue', { path: 'a', maxQueuedCalls: -1 }],
    ['a zero input limit', { path: 'a', maxInputBytes: 0 }],
    ['a breaker threshold of 1', { path: 'a', breaker: { threshold: 1 } }],
    ['a breaker threshold of 0', { path: 'a', breaker: { threshold: 0 } }],
    ['an empty breaker window', { path: 'a', breaker: { window: 0 } }],
    ['onStderr that is not a function', { path: 'a', onStderr: 'x' as never }],
    ['a worker for native, per backend', { path: 'a', isolation: { native: 'worker' } }],
    ['an unknown backend key', { path: 'a', isolation: { jvm: 'process' } as never }],
    ['an unknown mode per backend', { path: 'a', isolation: { wasm: 'vm' as 'worker' } }],
    ['an isolation array', { path: 'a', isolation: ['worker'] as never }],
    [
      'a timeout for an explicit in-process backend',
      { path: 'a', backend: 'native', isolation: { wasm: 'worker' }, timeoutMs: 5 },
    ],
  ])('refuses %s with PLUGIN_INVALID_OPTIONS', (_label, options) => {
    expect(() => resolveLoadOptions(options)).toThrow(
      expect.objectContaining({ code: 'PLUGIN_INVALID_OPTIONS' }),
    );
  });
});

describe('isolation and limits', () => {
  it('fill their defaults: in-process, 10 s timeout, 64 MiB input, queue of 100, breaker 50% of 10 for 1 s', () => {
    const resolved = resolveLoadOptions('a.wasm');
    expect(resolved).toMatchObject({
      isolation: undefined,
      timeoutMs: DEFAULT_TIMEOUT_MS,
      maxInputBytes: DEFAULT_MAX_INPUT_BYTES,
      concurrency: 1,
      maxQueuedCalls: DEFAULT_MAX_QUEUED_CALLS,
      breaker: DEFAULT_BREAKER,
    });
    expect(DEFAULT_BREAKER).toEqual({ threshold: 0.5, window: 10, openMs: 1000 });
    expect(resolveIsolation(resolved, 'wasm')).toBe('in-process');
    expect(resolveIsolation(resolved, 'native')).toBe('in-process');
  });

  it('breaker: false turns the breaker off; a queue of 0 is allowed', () => {
    const resolved = resolveLoadOptions({ path: 'a', breaker: false, maxQueuedCalls: 0 });
    expect(resolved.breaker).toBeUndefined();
    expect(resolved.maxQueuedCalls).toBe(0);
  });

  it('once the backend is known, refuses a worker for a native artifact', () => {
    const resolved = resolveLoadOptions({ path: 'a', isolation: 'worker' });
    expect(resolveIsolation(resolved, 'wasm')).toBe('worker');
    expect(() => resolveIsolation(resolved, 'native')).toThrow(
      expect.objectContaining({ code: 'PLUGIN_INVALID_OPTIONS' }),
    );
  });

  it('one isolation per backend: the artifact that loads decides; ISOLATED_MODES isolates both', () => {
    const isolated = resolveLoadOptions({ path: 'a', isolation: ISOLATED_MODES, timeoutMs: 50 });
    expect(resolveIsolation(isolated, 'wasm')).toBe('worker');
    expect(resolveIsolation(isolated, 'native')).toBe('process');
    const half = resolveLoadOptions({ path: 'a', isolation: { native: 'process' } });
    expect(resolveIsolation(half, 'native')).toBe('process');
    expect(resolveIsolation(half, 'wasm')).toBe('in-process');
    const timedHalf = resolveLoadOptions({
      path: 'a',
      isolation: { native: 'process' },
      timeoutMs: 9,
    });
    // Metered Wasm keeps its timeout in-process; a native library would need a process.
    expect(resolveIsolation(timedHalf, 'wasm')).toBe('in-process');
    const timedWasmHalf = resolveLoadOptions({
      path: 'a',
      isolation: { wasm: 'worker' },
      timeoutMs: 9,
    });
    expect(() => resolveIsolation(timedWasmHalf, 'native')).toThrow(
      expect.objectContaining({ code: 'PLUGIN_INVALID_OPTIONS' }),
    );
  });

  it('refuses a native timeout without isolation, and onStderr outside process isolation', () => {
    const timed = resolveLoadOptions({ path: 'a', timeoutMs: 50 });
    expect(resolveIsolation(timed, 'wasm')).toBe('in-process');
    expect(() => resolveIsolation(timed, 'native')).toThrow(
      expect.objectContaining({ code: 'PLUGIN_INVALID_OPTIONS' }),
    );
    const logged = resolveLoadOptions({ path: 'a', isolation: 'worker', onStderr: () => {} });
    expect(() => resolveIsolation(logged, 'wasm')).toThrow(
      expect.objectContaining({ code: 'PLUGIN_INVALID_OPTIONS' }),
    );
    const child = resolveLoadOptions({ path: 'a', isolation: 'process', onStderr: () => {} });
    expect(resolveIsolation(child, 'wasm')).toBe('process');
    expect(resolveIsolation(child, 'native')).toBe('process');
  });
});
