import { PluginError, type ServedVersion } from '../../runtime/index.js';
import type { WithdrawnBuild } from './control-store.js';
import type { RolloutCanary } from './rollout-canary.js';
import type { RolloutDeps } from './rollout-deps.js';
import { lostRace, type RolloutPersistence } from './rollout-persistence.js';
import { label, type RollbackRequest, type RolloutReport } from './rollout-report.js';
import type { RolloutTraffic } from './rollout-traffic.js';

/** The other parts of a plugin's {@link Rollout} a swap changes, and how to publish the result. */
export interface BuildsParts {
  readonly canary: RolloutCanary;
  readonly traffic: RolloutTraffic;
  readonly persistence: RolloutPersistence;
  readonly report: RolloutReport;
  /** Publishes a new routing snapshot of the plugin. */
  readonly publish: () => void;
}

/**
 * A plugin's active and previous builds (and the active one's content type): the swaps between
 * them, and what the registry serves after a change made elsewhere. Its {@link Rollout} runs
 * each of these in turn with the plugin's other transitions.
 */
export class RolloutBuilds {
  readonly #name: string;
  readonly #deps: RolloutDeps;
  readonly #parts: BuildsParts;
  #active: ServedVersion | undefined;
  #previous: ServedVersion | undefined;
  #contentType: string | undefined;

  constructor(name: string, deps: RolloutDeps, parts: BuildsParts) {
    this.#name = name;
    this.#deps = deps;
    this.#parts = parts;
  }

  get active(): ServedVersion | undefined {
    return this.#active;
  }

  get previous(): ServedVersion | undefined {
    return this.#previous;
  }

  /** plugin.json's contentType, as read when the active build was activated. */
  get contentType(): string | undefined {
    return this.#contentType;
  }

  /** Withdraws a build: no rule or weight sends traffic to it unless the other build serves it. */
  withdraw(build: Pick<WithdrawnBuild, 'sha256' | 'version' | 'backend'>, reason: string): void {
    this.#parts.traffic.withdraw(build, reason, [this.#active, this.#previous]);
  }

  /**
   * Swaps to the previous build: requests go there from the moment the snapshot is published,
   * before the registry's own swap; a rollback withdraws the build it leaves.
   */
  async swap(request: RollbackRequest, type: 'rollback' | 'activate', persist: boolean) {
    const from = this.#active;
    const to = this.#previous;
    const slot = this.#deps.registry.get(this.#name);
    if (from === undefined || to === undefined || slot?.previous?.id !== to.id)
      throw new PluginError(
        'PLUGIN_ROLLBACK_UNAVAILABLE',
        `plugin "${this.#name}" has no previous version retained`,
      );
    const { persistence, traffic, publish } = this.#parts;
    const written = persistence.mark();
    const turnBack = this.#turn(from, to, type === 'rollback' ? request : undefined);
    const command = { type, sha256: to.sha256, from: from.sha256, ...request };
    // In a fleet the store takes the decision first: a node that lost the race changes nothing.
    const storeFirst = persist && this.#deps.store.canaries !== undefined;
    try {
      if (storeFirst) await persistence.write(traffic, command);
    } catch (error) {
      persistence.rewind(written);
      // Out of the store's reach, a failing canary is still taken out of service here.
      if (request.trigger !== 'automatic' || lostRace(error)) {
        turnBack();
        throw error;
      }
      this.#deps.log.warn(
        { err: error, plugin: this.#name },
        'automatic rollback on this node only: the fleet store did not take it',
      );
    }
    publish();
    try {
      await this.#deps.registry.rollback(this.#name);
    } catch (error) {
      [this.#active, this.#previous] = [from, to];
      publish();
      throw error;
    }
    this.#parts.report.rolledBack(request, from, to);
    if (!persist) return;
    if (!storeFirst) await persistence.write(traffic, command);
    await persistence.restoreBuild(to);
  }

  /** Turns to the previous build in memory (a rollback withdraws `from`); returns how to turn back. */
  #turn(from: ServedVersion, to: ServedVersion, rollback: RollbackRequest | undefined) {
    const { canary, traffic } = this.#parts;
    const savedCanary = canary.state;
    const savedTraffic = traffic.save();
    [this.#active, this.#previous] = [to, from];
    canary.stop();
    traffic.reinstate(to.sha256);
    if (rollback !== undefined)
      this.withdraw(from, `${rollback.trigger} rollback: ${rollback.reason}`);
    traffic.dropWeights();
    return () => {
      [this.#active, this.#previous] = [from, to];
      canary.resume(savedCanary);
      traffic.restore(savedTraffic);
    };
  }

  /** Takes in what the registry serves after a change this rollout did not make itself. */
  async adopt(): Promise<void> {
    const slot = this.#deps.registry.get(this.#name);
    const active = slot?.active;
    const previous = slot?.previous?.state === 'closed' ? undefined : slot?.previous;
    const old = this.#active;
    if (active?.id === old?.id) {
      if (previous?.id === this.#previous?.id) return;
      this.#previous = previous;
      return this.#parts.publish();
    }
    if (
      active !== undefined &&
      old !== undefined &&
      this.#parts.traffic.withdrawn.has(active.sha256)
    ) {
      if (previous?.id === old.id) return this.#refuseReturn(active, old);
    }
    this.#active = active;
    this.#previous = previous;
    if (active !== undefined) await this.#activated(active, old);
    this.#parts.publish();
  }

  async #activated(active: ServedVersion, old: ServedVersion | undefined): Promise<void> {
    const { canary, traffic, report } = this.#parts;
    this.#contentType = await this.#deps.readContentType(this.#name);
    if (old === undefined) return report.loaded(active);
    if (old.sha256 === active.sha256) return; // the same build loaded again
    // A canary starts from the admin's rules and stickiness, not from weights set for older builds.
    canary.start(active);
    traffic.dropWeights();
    report.swapped(old, active);
  }

  /** A withdrawn build came back (a late folder write, another process): it never serves. */
  async #refuseReturn(returned: ServedVersion, good: ServedVersion): Promise<void> {
    const { report, persistence, publish } = this.#parts;
    report.note(
      'swapped',
      `swapped ${label(good)} → ${label(returned)}`,
      label(returned),
      label(good),
    );
    await this.#deps.registry.rollback(this.#name);
    this.#previous = returned;
    publish();
    const reason = `build ${returned.sha256.slice(0, 12)} was rolled back before`;
    report.rolledBack({ trigger: 'automatic', reason }, returned, good);
    await persistence.restoreBuild(good);
  }
}
