import { describe, expect, it } from 'vitest';
import { ManagedPlugin, type PluginCore } from './managed-plugin.js';

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
