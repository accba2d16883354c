import type { ServedVersion } from '../../runtime/index.js';
import { ServerError } from '../errors/server-error.js';
import type { Traffic } from '../routing/traffic.js';
import type { StoredRollout, WithdrawnBuild } from './control-store.js';
import { namesWithdrawn, withoutVersion, withoutWeights } from './rollout-policy.js';
import { storedTraffic, storedWithdrawn } from './stored-record.js';

/** Withdrawn builds kept per plugin; the oldest is forgotten first. */
const MAX_WITHDRAWN = 16;

/** The policy and the withdrawn builds as they were, for a transition that may turn back. */
export interface SavedTraffic {
  readonly traffic: Traffic;
  readonly withdrawn: Map<string, WithdrawnBuild>;
}

/**
 * A plugin's traffic policy (weights, rules, stickiness) and its withdrawn builds, owned
 * together: withdrawing a build takes the policy off its version, and a policy may not name a
 * withdrawn build. Its plugin's {@link Rollout} is the only caller.
 */
export class RolloutTraffic {
  #traffic: Traffic = {};
  #withdrawn = new Map<string, WithdrawnBuild>();

  get policy(): Traffic {
    return this.#traffic;
  }

  get withdrawn(): ReadonlyMap<string, WithdrawnBuild> {
    return this.#withdrawn;
  }

  /** The admin's policy; refused when it names a build withdrawn and no longer servable. */
  set(traffic: Traffic, servable: readonly string[]): void {
    const gone = namesWithdrawn(traffic, servable, this.#withdrawn);
    if (gone !== undefined)
      throw new ServerError('INVALID_TRAFFIC', `${gone} is withdrawn; activate it first`);
    this.#traffic = traffic;
  }

  /** All unpinned traffic to the active build; rules and stickiness kept. */
  dropWeights(): void {
    this.#traffic = withoutWeights(this.#traffic);
  }

  /** Withdraws a build: remembered (bounded), and no rule or weight sends traffic to it. */
  withdraw(
    build: Pick<WithdrawnBuild, 'sha256' | 'version' | 'backend'>,
    reason: string,
    served: readonly (ServedVersion | undefined)[],
  ): void {
    this.#withdrawn.delete(build.sha256);
    const { sha256, version, backend } = build;
    this.#withdrawn.set(sha256, { sha256, version, backend, reason });
    while (this.#withdrawn.size > MAX_WITHDRAWN)
      this.#withdrawn.delete(this.#withdrawn.keys().next().value!);
    const stillServed = served.some(
      (other) =>
        other !== undefined && other.version === version && !this.#withdrawn.has(other.sha256),
    );
    if (!stillServed) this.#traffic = withoutVersion(this.#traffic, version);
  }

  /** The build is no longer withdrawn; returns what was remembered of it. */
  reinstate(sha256: string): WithdrawnBuild | undefined {
    const before = this.#withdrawn.get(sha256);
    this.#withdrawn.delete(sha256);
    return before;
  }

  /** Withdrawn again as it was, unless withdrawn anew meanwhile. */
  putBack(before: WithdrawnBuild): void {
    if (!this.#withdrawn.has(before.sha256)) this.#withdrawn.set(before.sha256, before);
  }

  /** Takes in what another process stored. */
  follow(record: StoredRollout): void {
    this.#traffic = storedTraffic(record.traffic);
    this.#withdrawn = new Map(storedWithdrawn(record).map((build) => [build.sha256, build]));
  }

  save(): SavedTraffic {
    return { traffic: this.#traffic, withdrawn: new Map(this.#withdrawn) };
  }

  restore(saved: SavedTraffic): void {
    this.#traffic = saved.traffic;
    this.#withdrawn = saved.withdrawn;
  }
}
