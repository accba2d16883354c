// processData(input, { signal }) and the queue's deadline, on scripted cores: what the guard
// does with a call at each stage (not started, queued, running).
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_GUARD,
  type GuardOptions,
  ManagedPlugin,
  type PluginCore,
} from '../managed-plugin.js';
import { identity, scriptedCore } from '../test-support/test-cores.js';

const OK = new Uint8Array([0]);
const HANG = new Uint8Array([3]);

function isolated(overrides: Partial<GuardOptions> = {}) {
  const scripted = scriptedCore();
  const plugin = new ManagedPlugin(scripted.core, identity, {
    ...DEFAULT_GUARD,
    isolation: 'process',
    timeoutMs: 60_000,
    breaker: undefined,
    ...overrides,
  });
  return { plugin, interrupts: scripted.interrupts };
}

describe('cancelling a call', () => {
  it('an aborted signal fails the call before it starts, in every mode', async () => {
    const seen: (AbortSignal | undefined)[] = [];
    const core: PluginCore = {
      ...scriptedCore().core,
      call: (input, signal) => {
        seen.push(signal);
        return input.slice();
      },
    };
    const inProcess = new ManagedPlugin(core, identity, DEFAULT_GUARD);
    const { plugin } = isolated();
    for (const guarded of [inProcess, plugin]) {
      await expect(guarded.processData(OK, { signal: AbortSignal.abort() })).rejects.toMatchObject({
        code: 'PLUGIN_CANCELLED',
      });
    }
    expect(seen).toEqual([]);
    // A signal that has not aborted reaches the backend, which may check it (in-process Wasm).
    const controller = new AbortController();
    await inProcess.processData(OK, { signal: controller.signal });
    expect(seen).toEqual([controller.signal]);
  });

  it('a running isolated call whose signal aborts is interrupted: PLUGIN_CANCELLED', async () => {
    const { plugin, interrupts } = isolated();
    const controller = new AbortController();
    const call = plugin.processData(HANG, { signal: controller.signal });
    controller.abort();
    await expect(call).rejects.toMatchObject({ code: 'PLUGIN_CANCELLED' });
    expect(interrupts).toEqual(['PLUGIN_CANCELLED']);
    expect(await plugin.processData(OK)).toEqual(OK);
  });

  it('a queued call whose signal aborts leaves the queue; the running call is not touched', async () => {
    const { plugin, interrupts } = isolated();
    const running = plugin.processData(HANG);
    const controller = new AbortController();
    const queued = plugin.processData(OK, { signal: controller.signal });
    expect(plugin.stats().queued).toBe(1);
    controller.abort();
    await expect(queued).rejects.toMatchObject({ code: 'PLUGIN_CANCELLED' });
    expect([plugin.stats().queued, interrupts]).toEqual([0, []]);
    running.catch(() => undefined);
  });

  it('20 calls queued behind a hanging call each leave at their deadline with PLUGIN_OVERLOADED', async () => {
    const { plugin } = isolated({ queueTimeoutMs: 20 });
    const hanging = plugin.processData(HANG);
    hanging.catch(() => undefined);
    const queued = Array.from({ length: 20 }, () => plugin.processData(OK));
    const outcomes = await Promise.allSettled(queued);
    expect(outcomes.map((outcome) => outcome.status === 'rejected' && outcome.reason.code)).toEqual(
      Array(20).fill('PLUGIN_OVERLOADED'),
    );
    expect(plugin.stats()).toMatchObject({ queued: 0, inFlight: 1 });
  });

  it('without queueTimeoutMs a queued call waits at most twice timeoutMs', async () => {
    // A core that cannot interrupt: the hanging call holds its slot for ever.
    const { interrupt: _, ...core } = scriptedCore().core;
    const plugin = new ManagedPlugin(core, identity, {
      ...DEFAULT_GUARD,
      isolation: 'process',
      timeoutMs: 30,
    });
    plugin.processData(HANG).catch(() => undefined);
    await expect(plugin.processData(OK)).rejects.toMatchObject({
      code: 'PLUGIN_OVERLOADED',
      details: { queueTimeoutMs: 60 },
    });
  });
});
