import { describe, expect, it } from 'vitest';
import type { VersionSnapshot } from '../../runtime/index.js';
import type { CanaryConfig } from '../config/server-config.js';
import { judge, startCanary } from './canary.js';
import { COUNTS_AGAINST_CANARY } from './fault-codes.js';
import { OutcomeWindow } from './outcome-window.js';

const config: CanaryConfig = {
  errorRate: 0.05,
  minCalls: 20,
  windowMs: 60_000,
  stepWeight: 0,
  stepIntervalMs: 10_000,
};
const version = { id: 7, version: '2.0.0', sha256: 'ab'.repeat(32) } as VersionSnapshot;

describe('OutcomeWindow', () => {
  it('counts calls and faults over the window and forgets what is older', () => {
    const window = new OutcomeWindow(1000, 0, 10);
    for (let t = 0; t < 1000; t += 100) window.record(t % 200 === 0, t);
    expect(window.totals(999)).toEqual({ calls: 10, faults: 5 });
    // Ten 100 ms buckets: at 1500 the window holds the buckets from 600 on.
    expect(window.totals(1500)).toEqual({ calls: 4, faults: 2 });
    expect(window.totals(5000)).toEqual({ calls: 0, faults: 0 });
  });
});

describe('judge', () => {
  it('waits for the minimum number of calls, then rolls back above the threshold', () => {
    const canary = startCanary(version, config, 0);
    for (let call = 0; call < 19; call += 1) canary.window.record(true, call);
    expect(judge(canary, config, 20)).toBeUndefined();
    canary.window.record(true, 20);
    expect(judge(canary, config, 21)).toEqual({ action: 'rollback', calls: 20, faults: 20 });
  });

  it('tolerates a fault rate at the threshold (1 in 20 is 5 %)', () => {
    const canary = startCanary(version, config, 0);
    for (let call = 0; call < 20; call += 1) canary.window.record(call === 0, call);
    expect(judge(canary, config, 21)).toBeUndefined();
    canary.window.record(true, 22);
    expect(judge(canary, config, 23)?.action).toBe('rollback');
  });

  it('promotes a version taking all traffic once it served a healthy window', () => {
    const canary = startCanary(version, config, 0);
    expect(canary.weight).toBe(100);
    expect(judge(canary, config, 59_999)).toBeUndefined();
    expect(judge(canary, config, 60_000)).toEqual({ action: 'promote' });
  });

  it('steps progressively every interval, then promotes at 100 %', () => {
    const stepping = { ...config, stepWeight: 40 };
    const canary = startCanary(version, stepping, 0);
    expect(canary).toMatchObject({ weight: 40, progressive: true });
    expect(judge(canary, stepping, 9_999)).toBeUndefined();
    expect(judge(canary, stepping, 10_000)).toEqual({ action: 'step', weight: 80 });
    canary.weight = 80;
    canary.lastStepAt = 10_000;
    expect(judge(canary, stepping, 20_000)).toEqual({ action: 'promote' });
  });
});

describe('which errors count against a canary', () => {
  it('counts plugin faults, not plugin-reported business errors or caller mistakes', () => {
    expect(COUNTS_AGAINST_CANARY.PLUGIN_TRAPPED).toBe(true);
    expect(COUNTS_AGAINST_CANARY.PLUGIN_MEMORY_LIMIT).toBe(true);
    expect(COUNTS_AGAINST_CANARY.PLUGIN_ABI_VIOLATION).toBe(true);
    expect(COUNTS_AGAINST_CANARY.PLUGIN_CALL_FAILED).toBe(false);
    expect(COUNTS_AGAINST_CANARY.PLUGIN_INVALID_INPUT).toBe(false);
    expect(COUNTS_AGAINST_CANARY.PLUGIN_DRAIN_TIMEOUT).toBe(false);
  });
});
