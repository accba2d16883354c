import type { ServedVersion } from '../../runtime/index.js';
import {
  type CanaryState,
  type CanaryVerdict,
  failing,
  judge,
  startCanary,
} from '../routing/canary.js';
import type { StoredCanary } from './control-store.js';
import type { RolloutDeps } from './rollout-deps.js';
import { lostRace } from './rollout-persistence.js';
import type { RolloutReport } from './rollout-report.js';

/** What a canary asks of its plugin's {@link Rollout}. */
export interface CanaryHost {
  /** Runs `task` after every transition of the plugin queued before it. */
  run(task: () => Promise<void>): Promise<void>;
  /** Publishes a new routing snapshot of the plugin. */
  publish(): void;
  /** Swaps the previous build back in, withdrawing the canary (and stores it). */
  rollBack(reason: string): Promise<void>;
}

/**
 * A plugin's canary: the build under watch, and the decisions on it (a step, a promotion, an
 * automatic rollback), alone or with the fleet. Owns the canary's state; its {@link Rollout}
 * starts and stops it and carries the rollback out.
 */
export class RolloutCanary {
  readonly #name: string;
  readonly #deps: RolloutDeps;
  readonly #report: RolloutReport;
  readonly #host: CanaryHost;
  #state: CanaryState | undefined;
  #autoRollbackOf: number | undefined;
  #quarantined: number | undefined;
  /** The canary's progress as the fleet decided it (fleet mode). */
  #stored: StoredCanary | undefined;
  /** The build whose canary totals this process shares with the fleet. */
  #shared: string | undefined;

  constructor(name: string, deps: RolloutDeps, report: RolloutReport, host: CanaryHost) {
    this.#name = name;
    this.#deps = deps;
    this.#report = report;
    this.#host = host;
  }

  get state(): CanaryState | undefined {
    return this.#state;
  }

  /** A failing canary's id, out of service from the verdict on, until its rollback is done. */
  get quarantined(): number | undefined {
    return this.#quarantined;
  }

  /** A new build is active: its canary starts (where the fleet took it, if it did). */
  start(active: ServedVersion): void {
    this.#state = startCanary(active, this.#deps.config.canary, this.#deps.now());
    this.#followStored();
    this.#autoRollbackOf = undefined;
  }

  stop(): void {
    this.#state = undefined;
  }

  /** Back to a canary a transition stopped before it turned back. */
  resume(state: CanaryState | undefined): void {
    this.#state = state;
  }

  /** The admin set weights: the canary stops stepping; the analysis goes on. */
  holdWeight(): void {
    if (this.#state !== undefined) this.#state.progressive = false;
  }

  /** Takes in the fleet's progress of this canary, as another process stored it. */
  follow(stored: StoredCanary | undefined): void {
    this.#stored = stored;
    this.#followStored();
  }

  /** The store was pointed at a new build: a new canary, no fleet progress yet. */
  forgetStored(): void {
    this.#stored = undefined;
  }

  /** A new snapshot is out: a canary that ended (rolled back, promoted, replaced) stops counting on the other nodes. */
  published(): void {
    if (this.#shared !== undefined && this.#shared !== this.#state?.sha256) {
      this.#deps.store.canaries?.retire(this.#name);
      this.#shared = undefined;
    }
  }

  /** Counts a call the build `id` served; a failing canary is rolled back. */
  record(id: number, fault: boolean): void {
    const canary = this.#state;
    if (canary === undefined || canary.id !== id) return;
    const now = this.#deps.now();
    canary.window.record(fault, now);
    if (!fault) return;
    const verdict = failing(canary, this.#deps.config.canary, now, this.#elsewhere(canary));
    if (verdict?.action !== 'rollback') return;
    const { windowMs, errorRate } = this.#deps.config.canary;
    const where = this.#deps.store.canaries === undefined ? '' : ' over the fleet';
    this.#autoRollback(
      canary.id,
      `${verdict.faults} faults in ${verdict.calls} calls${where} in ${windowMs} ms (threshold ${errorRate})`,
    );
  }

  /** The canary's calls and faults on the other processes sharing the store (fleet mode). */
  #elsewhere(canary: CanaryState) {
    return this.#deps.store.canaries?.elsewhere(this.#name, canary.sha256);
  }

  /**
   * Judges the canary: a rollback, a progressive step or a promotion. In a fleet, on the counts
   * summed over the nodes, and the verdict is written to the store (a compare-and-set) before
   * any node takes it: of several nodes judging at once, one writes it and the others follow.
   */
  tick(): void {
    if (this.#state === undefined) return;
    void this.#host
      .run(async () => {
        const canary = this.#state;
        if (canary === undefined) return;
        const now = this.#deps.now();
        const fleet = this.#deps.store.canaries;
        if (fleet !== undefined) {
          fleet.publish(this.#name, canary.sha256, canary.window.totals(now));
          this.#shared = canary.sha256;
        }
        const verdict = judge(canary, this.#deps.config.canary, now, this.#elsewhere(canary));
        if (verdict?.action === 'rollback') {
          const over = fleet === undefined ? '' : ' over the fleet';
          return this.#host.rollBack(`${verdict.faults} faults in ${verdict.calls} calls${over}`);
        }
        if (verdict === undefined) return;
        if (fleet !== undefined) {
          const { sha256 } = canary;
          const promoted = verdict.action === 'promote';
          const stored = { sha256, weight: promoted ? 100 : verdict.weight, promoted };
          await this.#deps.store.update(this.#name, (current) => ({ ...current, canary: stored }));
          this.#stored = stored;
          this.#followStored();
        } else this.#progress(canary, verdict, now);
        this.#host.publish();
      })
      .catch((error: unknown) => {
        if (!lostRace(error)) this.#report.failed(error, 'canary');
      });
  }

  /** A step or a promotion, taken in (the caller publishes). */
  #progress(canary: CanaryState, verdict: NonNullable<CanaryVerdict>, now: number): void {
    if (verdict.action === 'step') {
      canary.weight = verdict.weight;
      canary.lastStepAt = now;
      this.#report.note(
        'canary-step',
        `canary ${canary.version} at ${canary.weight}%`,
        canary.version,
      );
    } else if (verdict.action === 'promote') {
      this.#state = undefined;
      this.#report.note('promoted', `${canary.version} promoted`, canary.version);
    }
  }

  /** Takes the fleet's step or promotion of this canary in, once (the caller publishes). */
  #followStored(): void {
    const stored = this.#stored;
    const canary = this.#state;
    if (stored === undefined || canary === undefined || stored.sha256 !== canary.sha256) return;
    const now = this.#deps.now();
    if (stored.promoted === true) this.#progress(canary, { action: 'promote' }, now);
    else if (stored.weight > canary.weight)
      this.#progress(canary, { action: 'step', weight: stored.weight }, now);
  }

  /**
   * The verdict takes the canary out of service at once (a new snapshot routes around it);
   * the rollback itself (registry, store) follows in turn with the other transitions.
   */
  #autoRollback(canaryId: number, reason: string): void {
    if (this.#autoRollbackOf === canaryId) return;
    this.#autoRollbackOf = canaryId;
    this.#quarantined = canaryId;
    this.#host.publish();
    void this.#host
      .run(async () => {
        try {
          if (this.#state?.id !== canaryId) return; // rolled back or promoted meanwhile
          await this.#host.rollBack(reason);
        } finally {
          this.#quarantined = undefined;
          this.#host.publish();
        }
      })
      .catch((error: unknown) => {
        if (!lostRace(error)) this.#report.failed(error, 'automatic rollback failed');
      });
  }
}
