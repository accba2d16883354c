import type { VersionSnapshot } from '../../runtime/index.js';
import type { CanaryConfig } from '../config/server-config.js';
import { OutcomeWindow } from './outcome-window.js';

/** A newly activated version under watch, beside the previous version it replaced. */
export interface CanaryState {
  readonly id: number;
  readonly version: string;
  readonly sha256: string;
  /** Percent of unpinned traffic it takes (100: all). */
  weight: number;
  /** False once the admin set weights by hand: steps stop, the analysis goes on. */
  progressive: boolean;
  readonly startedAt: number;
  lastStepAt: number;
  readonly window: OutcomeWindow;
}

/** What the analysis decides for a canary now. */
export type CanaryVerdict =
  | { readonly action: 'rollback'; readonly calls: number; readonly faults: number }
  | { readonly action: 'step'; readonly weight: number }
  | { readonly action: 'promote' }
  | undefined;

export function startCanary(
  version: Pick<VersionSnapshot, 'id' | 'version' | 'sha256'>,
  config: CanaryConfig,
  now: number,
): CanaryState {
  const progressive = config.stepWeight > 0 && config.stepWeight < 100;
  return {
    id: version.id,
    version: version.version ?? '',
    sha256: version.sha256,
    weight: progressive ? config.stepWeight : 100,
    progressive,
    startedAt: now,
    lastStepAt: now,
    window: new OutcomeWindow(config.windowMs, now),
  };
}

/** Calls and faults the canary had elsewhere (the other nodes of a fleet): added to its window's. */
export interface Elsewhere {
  readonly calls: number;
  readonly faults: number;
}

const NOWHERE: Elsewhere = { calls: 0, faults: 0 };

/** The rollback check alone: a fault rate over the threshold with enough calls in the window. */
export function failing(
  canary: CanaryState,
  config: CanaryConfig,
  now: number,
  elsewhere = NOWHERE,
): CanaryVerdict {
  const here = canary.window.totals(now);
  const calls = here.calls + elsewhere.calls;
  const faults = here.faults + elsewhere.faults;
  if (calls >= config.minCalls && faults / calls > config.errorRate)
    return { action: 'rollback', calls, faults };
  return undefined;
}

/**
 * Judges a canary, in the manner of Flagger: roll back when failing; else, progressively, one
 * step up every interval until 100 % (then promote); without steps, promote once it has served
 * a whole window healthy.
 */
export function judge(
  canary: CanaryState,
  config: CanaryConfig,
  now: number,
  elsewhere = NOWHERE,
): CanaryVerdict {
  const failed = failing(canary, config, now, elsewhere);
  if (failed !== undefined) return failed;
  if (canary.progressive) {
    if (now - canary.lastStepAt < config.stepIntervalMs) return undefined;
    const weight = Math.min(100, canary.weight + config.stepWeight);
    return weight >= 100 ? { action: 'promote' } : { action: 'step', weight };
  }
  if (canary.weight >= 100 && now - canary.startedAt >= config.windowMs)
    return { action: 'promote' };
  return undefined;
}
