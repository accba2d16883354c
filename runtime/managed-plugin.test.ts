import { describe, expect, it } from 'vitest';
import {
  DEFAULT_GUARD,
  type GuardOptions,
  ManagedPlugin,
  type PluginCore,
} from './managed-plugin.js';
import { scriptedCore } from './test-support/test-cores.js';

/** A core whose calls finish only when the test says so, like an isolated plugin's. */
function deferredCore() {
  const pending: (() => void)[] = [];
  const events: string[] = [];
  const core: PluginCore = {
    backend: 'wasm',
    info: { name: 'fake', version: '1.0.0', abi: 1, description: '' },
    exports: ['ProcessData'],
    initialize: () => undefined,
    call: (input) =>
      new Promise<Uint8Array>((resolve) => {
        pending.push(() => {
          events.push('call finished');
          resolve(input);
        });
      }),
    dispose: () => {
      events.push('disposed');
    },
  };
  return { core, pending, events };
}

const identity = { path: undefined, format: 'wasm', sha256: '0'.repeat(64), size: 0 } as const;

describe('ManagedPlugin', () => {
  it('close waits for calls in flight, then disposes once; later calls are PLUGIN_CLOSED', async () => {
    const { core, pending, events } = deferredCore();
    const plugin = new ManagedPlugin(core, identity);
    const calls = [
      plugin.processData(new Uint8Array([1])),
      plugin.processData(new Uint8Array([2])),
    ];
    const closing = plugin.close();
    await expect(plugin.processData(new Uint8Array([3]))).rejects.toMatchObject({
      code: 'PLUGIN_CLOSED',
    });
    expect(events).toEqual([]);
    for (const finish of pending) finish();
    expect(await Promise.all(calls)).toEqual([new Uint8Array([1]), new Uint8Array([2])]);
    await closing;
    await plugin.close();
    expect(events).toEqual(['call finished', 'call finished', 'disposed']);
  });

  it('wraps a non-PluginError thrown by a core as PLUGIN_CALL_FAILED', async () => {
    const { core } = deferredCore();
    const plugin = new ManagedPlugin(
      { ...core, call: () => Promise.reject(new TypeError('bug')) },
      identity,
    );
    await expect(plugin.processData(new Uint8Array(0))).rejects.toMatchObject({
      code: 'PLUGIN_CALL_FAILED',
    });
  });
});

describe('ManagedPlugin limits', () => {
  const guard = (overrides: Partial<GuardOptions>): GuardOptions => ({
    ...DEFAULT_GUARD,
    isolation: 'worker',
    ...overrides,
  });

  it('refuses input above maxInputBytes before the plugin sees it', async () => {
    const { core, pending } = deferredCore();
    const plugin = new ManagedPlugin(core, identity, guard({ maxInputBytes: 4 }));
    await expect(plugin.processData(new Uint8Array(5))).rejects.toMatchObject({
      code: 'PLUGIN_INPUT_TOO_LARGE',
      details: { inputBytes: 5, maxInputBytes: 4 },
    });
    expect(pending).toHaveLength(0);
    const call = plugin.processData(new Uint8Array(4));
    pending[0]!();
    expect(await call).toHaveLength(4);
  });

  it('refuses output above maxOutputBytes, whatever the core returned', async () => {
    const { core } = deferredCore();
    const big = { ...core, call: () => new Uint8Array(9) };
    const plugin = new ManagedPlugin(big, identity, { ...DEFAULT_GUARD, maxOutputBytes: 8 });
    await expect(plugin.processData(new Uint8Array(1))).rejects.toMatchObject({
      code: 'PLUGIN_OUTPUT_TOO_LARGE',
    });
  });

  it('runs `concurrency` calls, queues `maxQueuedCalls`, refuses the next with PLUGIN_OVERLOADED', async () => {
    const { core, pending } = deferredCore();
    const plugin = new ManagedPlugin(core, identity, guard({ concurrency: 2, maxQueuedCalls: 1 }));
    const calls = [1, 2, 3].map((byte) => plugin.processData(new Uint8Array([byte])));
    await expect(plugin.processData(new Uint8Array([4]))).rejects.toMatchObject({
      code: 'PLUGIN_OVERLOADED',
    });
    expect(pending).toHaveLength(2);
    expect(plugin.stats()).toMatchObject({ inFlight: 3, queued: 1 });
    pending[0]!();
    await calls[0];
    await Promise.resolve();
    expect(pending).toHaveLength(3);
    pending[1]!();
    pending[2]!();
    expect(await Promise.all(calls)).toEqual([1, 2, 3].map((byte) => new Uint8Array([byte])));
  });

  it('a call past timeoutMs asks the core to interrupt it and fails with PLUGIN_TIMEOUT', async () => {
    const { core, interrupts } = scriptedCore();
    const plugin = new ManagedPlugin(core, identity, guard({ timeoutMs: 20 }));
    await expect(plugin.processData(new Uint8Array([3]))).rejects.toMatchObject({
      code: 'PLUGIN_TIMEOUT',
      details: { timeoutMs: 20 },
    });
    expect(interrupts).toEqual(['PLUGIN_TIMEOUT']);
    expect(await plugin.processData(new Uint8Array([0, 7]))).toEqual(new Uint8Array([0, 7]));
    expect(interrupts).toHaveLength(1);
  });

  it('in-process calls are not queued: a burst of synchronous calls all run', async () => {
    const { core } = deferredCore();
    const sync = { ...core, call: (input: Uint8Array) => input };
    const plugin = new ManagedPlugin(sync, identity, { ...DEFAULT_GUARD, maxQueuedCalls: 1 });
    const outputs = await Promise.all(
      Array.from({ length: 50 }, (_, index) => plugin.processData(new Uint8Array([index]))),
    );
    expect(outputs.map((output) => output[0])).toEqual(Array.from({ length: 50 }, (_, i) => i));
  });
});
