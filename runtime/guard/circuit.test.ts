import { setTimeout as delay } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { DEFAULT_GUARD, type GuardOptions, ManagedPlugin } from '../managed-plugin.js';
import { identity, scriptedCore } from '../test-support/test-cores.js';

const OK = new Uint8Array([0]);
const FAULT = new Uint8Array([1]);
const ANSWERED_ERROR = new Uint8Array([2]);

function plugin(overrides: Partial<GuardOptions> = {}) {
  const { core } = scriptedCore();
  return new ManagedPlugin(core, identity, {
    ...DEFAULT_GUARD,
    isolation: 'worker',
    breaker: { threshold: 0.5, window: 10, openMs: 50 },
    ...overrides,
  });
}

async function codeOf(call: Promise<unknown>): Promise<string> {
  return call.then(
    () => 'ok',
    (error: { code: string }) => error.code,
  );
}

describe('circuit breaker', () => {
  it('opens when more than half of the last 10 calls faulted, then fails fast', async () => {
    const guarded = plugin();
    for (let index = 0; index < 5; index += 1) await guarded.processData(OK);
    for (let index = 0; index < 5; index += 1)
      expect(await codeOf(guarded.processData(FAULT))).toBe('PLUGIN_TRAPPED');
    expect(guarded.stats().circuit).toBe('closed'); // 5 of 10 is not more than half
    expect(await codeOf(guarded.processData(FAULT))).toBe('PLUGIN_TRAPPED');
    expect(guarded.stats().circuit).toBe('open');
    expect(await codeOf(guarded.processData(OK))).toBe('PLUGIN_UNAVAILABLE');
  });

  it('counts the last 10 calls exactly after a long run of successes, in-process too', async () => {
    for (const isolation of ['worker', 'in-process'] as const) {
      const guarded = plugin({ isolation });
      const calls = async (input: Uint8Array, count: number) => {
        for (let index = 0; index < count; index += 1) await codeOf(guarded.processData(input));
      };
      await calls(OK, 50);
      await calls(FAULT, 5);
      await calls(OK, 5);
      await calls(FAULT, 5); // each of the last 10 windows holds 5 faults
      expect(guarded.stats().circuit).toBe('closed');
      await calls(FAULT, 1); // 6 of the last 10
      expect(guarded.stats().circuit).toBe('open');
    }
  });

  it('after openMs one probe call decides: success closes, a fault reopens', async () => {
    const guarded = plugin();
    for (let index = 0; index < 10; index += 1) await codeOf(guarded.processData(FAULT));
    expect(guarded.stats().circuit).toBe('open');
    await delay(60);
    expect(await codeOf(guarded.processData(FAULT))).toBe('PLUGIN_TRAPPED');
    expect(await codeOf(guarded.processData(OK))).toBe('PLUGIN_UNAVAILABLE');
    await delay(60);
    expect(await codeOf(guarded.processData(OK))).toBe('ok');
    expect(guarded.stats().circuit).toBe('closed');
    expect(await codeOf(guarded.processData(OK))).toBe('ok');
  });

  it('plugin-defined errors are answers: they never open the circuit', async () => {
    const guarded = plugin();
    for (let index = 0; index < 30; index += 1) {
      await expect(guarded.processData(ANSWERED_ERROR)).rejects.toMatchObject({
        code: 'PLUGIN_CALL_FAILED',
        pluginCode: -2,
      });
    }
    expect(guarded.stats().circuit).toBe('closed');
  });

  it('answers count as successes in the window', async () => {
    const guarded = plugin();
    for (let index = 0; index < 5; index += 1) await codeOf(guarded.processData(ANSWERED_ERROR));
    for (let index = 0; index < 5; index += 1) await codeOf(guarded.processData(FAULT));
    expect(guarded.stats().circuit).toBe('closed');
  });

  it('can be turned off', async () => {
    const guarded = plugin({ breaker: undefined });
    for (let index = 0; index < 20; index += 1)
      expect(await codeOf(guarded.processData(FAULT))).toBe('PLUGIN_TRAPPED');
    expect(guarded.stats().circuit).toBe('off');
  });

  it("an output over the host's limit is a fault, as the canary counts it: it opens the circuit", async () => {
    const guarded = plugin({ maxOutputBytes: 1 });
    const tooLarge = new Uint8Array([0, 0]);
    for (let index = 0; index < 10; index += 1)
      expect(await codeOf(guarded.processData(tooLarge))).toBe('PLUGIN_OUTPUT_TOO_LARGE');
    expect(guarded.stats().circuit).toBe('open');
    expect(await codeOf(guarded.processData(OK))).toBe('PLUGIN_UNAVAILABLE');
  });
});
