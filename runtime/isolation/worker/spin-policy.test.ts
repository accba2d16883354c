import { describe, expect, it } from 'vitest';
import { SpinPolicy } from './spin-policy.js';

describe('SpinPolicy', () => {
  it('spins while spins pay off', () => {
    const policy = new SpinPolicy();
    for (let wait = 0; wait < 100; wait += 1) {
      expect(policy.shouldSpin()).toBe(true);
      policy.record(wait % 4 !== 0); // three in four pay off
    }
  });

  it('stops after a run of misses, probes every 16th wait, and resumes when a probe pays off', () => {
    const policy = new SpinPolicy();
    for (let miss = 0; miss < 4; miss += 1) {
      expect(policy.shouldSpin()).toBe(true);
      policy.record(false);
    }
    const decisions = Array.from({ length: 32 }, () => policy.shouldSpin());
    expect(decisions.filter(Boolean)).toHaveLength(2);
    expect(decisions[15]).toBe(true);
    policy.record(true);
    expect([policy.shouldSpin(), policy.shouldSpin()]).toEqual([true, true]);
  });
});
