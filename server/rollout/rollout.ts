import { isPluginError, PluginError, type ServedVersion } from '../../runtime/index.js';
import { ServerError } from '../errors/server-error.js';
import {
  type CanaryState,
  type CanaryVerdict,
  failing,
  judge,
  startCanary,
} from '../routing/canary.js';
import { COUNTS_AGAINST_CANARY } from '../routing/fault-codes.js';
import type { Traffic } from '../routing/traffic.js';
import { CallStats } from './call-stats.js';
import type { StoredCanary, StoredRollout, WithdrawnBuild } from './control-store.js';
import type { RolloutDeps } from './rollout-deps.js';
import { makeSnapshot, namesWithdrawn, withoutVersion, withoutWeights } from './rollout-policy.js';
import { label, type RollbackRequest, RolloutReport } from './rollout-report.js';
import type { RoutingSnapshot } from './routing-snapshot.js';
import { type UploadRequest, type UploadResult, uploadStaged } from './staged-upload.js';
import { storedCanary, storedTraffic, storedWithdrawn } from './stored-record.js';

/** A compare-and-set another process won: its change reaches this one through the store. */
const lostRace = (error: unknown) =>
  error instanceof ServerError && error.code === 'ROLLOUT_CONFLICT';

/** Withdrawn builds kept per plugin; the oldest is forgotten first. */
const MAX_WITHDRAWN = 16;

/**
 * One plugin's rollout: the active and previous builds, the canary, the traffic policy and the
 * withdrawn builds. It is their only writer: every change is a named transition (activate,
 * split/rule, canary step, rollback, withdraw, re-activate, and following the folder or
 * another process), run one at a time per plugin; each publishes a new immutable
 * {@link RoutingSnapshot}, the only thing the data path reads.
 */
export class Rollout {
  readonly name: string;
  readonly stats: CallStats;
  readonly #deps: RolloutDeps;
  readonly #report: RolloutReport;
  #chain: Promise<unknown> = Promise.resolve();
  #active: ServedVersion | undefined;
  #previous: ServedVersion | undefined;
  #canary: CanaryState | undefined;
  #traffic: Traffic = {};
  #withdrawn = new Map<string, WithdrawnBuild>();
  #contentType: string | undefined;
  #revision = 0;
  #snapshot: RoutingSnapshot;
  #rollbacksWaiting = 0;
  #appliedCommand = 0;
  #autoRollbackOf: number | undefined;
  #quarantined: number | undefined;
  /** What this process last stored of traffic and withdrawn builds. */
  #persisted = JSON.stringify([{}, []]);
  /** The canary's progress as the fleet decided it (fleet mode). */
  #storedCanary: StoredCanary | undefined;
  /** The build whose canary totals this process shares with the fleet. */
  #sharedCanary: string | undefined;

  constructor(name: string, deps: RolloutDeps) {
    this.name = name;
    this.#deps = deps;
    this.stats = new CallStats(name, deps.metrics);
    this.#report = new RolloutReport(name, deps);
    this.#snapshot = this.#make();
  }

  /** The routing in force now: replaced whole by each transition. */
  get snapshot(): RoutingSnapshot {
    return this.#snapshot;
  }

  get canary(): Readonly<CanaryState> | undefined {
    return this.#canary;
  }

  get traffic(): Traffic {
    return this.#traffic;
  }

  /** Runs `task` after every transition queued before it. */
  #run<T>(task: () => Promise<T>): Promise<T> {
    const run = this.#chain.then(task);
    this.#chain = run.catch(() => {});
    return run;
  }

  #make(): RoutingSnapshot {
    return makeSnapshot({
      name: this.name,
      revision: this.#revision,
      active: this.#active,
      previous: this.#previous,
      canary: this.#canary,
      traffic: this.#traffic,
      withdrawn: this.#withdrawn,
      contentType: this.#contentType,
      quarantined: this.#quarantined,
    });
  }

  #publish(): void {
    this.#revision += 1;
    this.#snapshot = this.#make();
    // A canary that ended (rolled back, promoted, replaced) stops counting on the other nodes.
    if (this.#sharedCanary !== undefined && this.#sharedCanary !== this.#canary?.sha256) {
      this.#deps.store.canaries?.retire(this.name);
      this.#sharedCanary = undefined;
    }
  }

  /** The folder's look at this plugin (read it, register what it holds), then what it changed. */
  followFolder(sync: () => Promise<void>): Promise<void> {
    return this.#run(async () => {
      await sync();
      await this.#adopt();
    });
  }

  /** The registry changed on its own (a lazy load, a removal): take in what it serves. */
  sync(): Promise<void> {
    return this.#run(() => this.#adopt());
  }

  /** Counts one call against the build that served it; a failing canary is rolled back. */
  record(version: ServedVersion | undefined, seconds: number, error: unknown): void {
    if (version === undefined) return;
    const code = error === undefined ? undefined : isPluginError(error) ? error.code : undefined;
    const fault = code !== undefined && COUNTS_AGAINST_CANARY[code];
    this.stats.record(version, seconds, code, error !== undefined, fault);
    const canary = this.#canary;
    if (canary === undefined || canary.id !== version.id) return;
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
    return this.#deps.store.canaries?.elsewhere(this.name, canary.sha256);
  }

  /**
   * Judges the canary: a rollback, a progressive step or a promotion. In a fleet, on the counts
   * summed over the nodes, and the verdict is written to the store (a compare-and-set) before
   * any node takes it: of several nodes judging at once, one writes it and the others follow.
   */
  tick(): void {
    if (this.#canary === undefined) return;
    void this.#run(async () => {
      const canary = this.#canary;
      if (canary === undefined) return;
      const now = this.#deps.now();
      const fleet = this.#deps.store.canaries;
      if (fleet !== undefined) {
        fleet.publish(this.name, canary.sha256, canary.window.totals(now));
        this.#sharedCanary = canary.sha256;
      }
      const verdict = judge(canary, this.#deps.config.canary, now, this.#elsewhere(canary));
      if (verdict?.action === 'rollback') {
        const over = fleet === undefined ? '' : ' over the fleet';
        const reason = `${verdict.faults} faults in ${verdict.calls} calls${over}`;
        return this.#swap({ trigger: 'automatic', reason }, 'rollback', true);
      }
      if (verdict === undefined) return;
      if (fleet !== undefined) {
        const { sha256 } = canary;
        const promoted = verdict.action === 'promote';
        const stored = { sha256, weight: promoted ? 100 : verdict.weight, promoted };
        await this.#deps.store.update(this.name, (current) => ({ ...current, canary: stored }));
        this.#storedCanary = stored;
        this.#followCanary();
      } else this.#progress(canary, verdict, now);
      this.#publish();
    }).catch((error: unknown) => {
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
      this.#canary = undefined;
      this.#report.note('promoted', `${canary.version} promoted`, canary.version);
    }
  }

  /** Takes the fleet's step or promotion of this canary in, once (the caller publishes). */
  #followCanary(): void {
    const stored = this.#storedCanary;
    const canary = this.#canary;
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
    this.#publish();
    void this.#run(async () => {
      try {
        if (this.#canary?.id !== canaryId) return; // rolled back or promoted meanwhile
        await this.#swap({ trigger: 'automatic', reason }, 'rollback', true);
      } finally {
        this.#quarantined = undefined;
        this.#publish();
      }
    }).catch((error: unknown) => {
      if (!lostRace(error)) this.#report.failed(error, 'automatic rollback failed');
    });
  }

  /**
   * Swaps the previous build back in and withdraws the one rolled back from. One of several
   * rollbacks asked for at once wins; the others fail with ROLLOUT_CONFLICT (never a second
   * swap back, never a silent success), as does one asked for while another change ran.
   */
  rollback(request: RollbackRequest): Promise<void> {
    const seen = this.#revision;
    const contended = this.#rollbacksWaiting > 0;
    this.#rollbacksWaiting += 1;
    return this.#run(async () => {
      try {
        if (contended || seen !== this.#revision)
          throw new ServerError(
            'ROLLOUT_CONFLICT',
            `another change to "${this.name}" came first; this rollback was not carried out`,
          );
        await this.#swap(request, 'rollback', true);
      } finally {
        this.#rollbacksWaiting -= 1;
      }
    });
  }

  /** Sends all unpinned traffic to one loaded version; a withdrawn one is re-activated. */
  activate(version: string): Promise<void> {
    return this.#run(async () => {
      const active = this.#active;
      if (active !== undefined && active.version === version) {
        this.#canary = undefined;
        this.#traffic = withoutWeights(this.#traffic);
        this.#withdrawn.delete(active.sha256);
        this.#publish();
        return this.#persist();
      }
      if (this.#previous?.version !== version)
        throw new PluginError(
          'PLUGIN_NOT_FOUND',
          `plugin "${this.name}" has no loaded version ${version}`,
          {
            details: { name: this.name, version },
          },
        );
      await this.#swap(
        { trigger: 'manual', reason: `version ${version} activated` },
        'activate',
        true,
      );
    });
  }

  /** Takes the previous build out of service: pinned requests to it get 410. */
  withdraw(version: string): Promise<void> {
    return this.#run(async () => {
      if (this.#active?.version === version)
        throw new ServerError('ROLLOUT_CONFLICT', `${version} is active: roll back instead`);
      const previous = this.#previous;
      if (previous?.version !== version)
        throw new PluginError(
          'PLUGIN_NOT_FOUND',
          `plugin "${this.name}" has no loaded version ${version}`,
          {
            details: { name: this.name, version },
          },
        );
      this.#withdraw(previous, 'withdrawn by the admin API');
      this.#publish();
      this.#report.note('withdrawn', `${label(previous)} withdrawn`, label(previous));
      await this.#persist();
    });
  }

  /** Replaces the traffic policy (weights, rules, stickiness); a progressive canary stops stepping. */
  setTraffic(traffic: Traffic, basedOn?: number): Promise<void> {
    return this.#run(async () => {
      const gone = namesWithdrawn(traffic, this.#snapshot.servable, this.#withdrawn);
      if (gone !== undefined)
        throw new ServerError('INVALID_TRAFFIC', `${gone} is withdrawn; activate it first`);
      this.#traffic = traffic;
      if (traffic.weights !== undefined && this.#canary !== undefined)
        this.#canary.progressive = false;
      this.#publish();
      this.#report.trafficSet(traffic);
      await this.#persist(undefined, basedOn);
    });
  }

  /** Checks an upload in a staging area, activates it, and only then writes it to the store. */
  upload(request: UploadRequest): Promise<UploadResult> {
    return this.#run(async () => {
      const active = this.#deps.registry.get(this.name)?.active;
      if (active?.sha256 === request.sha256) return { outcome: 'unchanged', version: active };
      const refused = (build: WithdrawnBuild) => {
        this.#withdrawn.delete(build.sha256);
        this.#withdraw(build, build.reason);
      };
      // Uploading a withdrawn build again is an explicit re-activation.
      const before = this.#withdrawn.get(request.sha256);
      this.#withdrawn.delete(request.sha256);
      try {
        const result = await uploadStaged(this.#deps, request, refused);
        // Pointing the store at a new build started a new canary: no fleet progress yet.
        this.#storedCanary = undefined;
        await this.#adopt();
        await this.#persist();
        return result;
      } catch (error) {
        if (before !== undefined && !this.#withdrawn.has(request.sha256))
          this.#withdrawn.set(before.sha256, before);
        this.#publish();
        // A refused first upload leaves no trace in the store either.
        if (this.#deps.registry.has(this.name)) await this.#persist().catch(() => {});
        throw error;
      }
    });
  }

  /**
   * A build the store names, fetched and checked by this node (fleet mode): loaded at once as
   * an upload is (staged, validated, self-tested), nothing written back; the folder watcher
   * finds the same build when the store writes it into the folder.
   */
  followBuild(request: UploadRequest): Promise<void> {
    return this.#run(async () => {
      const { registry, twins } = this.#deps;
      const serving = [registry, twins].map((r) => r?.get(this.name)?.active?.sha256);
      if (serving.includes(request.sha256)) return;
      try {
        await uploadStaged(this.#deps, request, () => {}, false);
      } catch (error) {
        if (!isPluginError(error) && !(error instanceof ServerError)) throw error;
        this.#deps.log.warn(
          { plugin: this.name, sha256: request.sha256, code: error.code },
          'fleet store: a build the store names was refused here',
        );
      }
      await this.#adopt();
    });
  }

  /** Deletes the plugin from the store (every process's watcher unloads it). */
  remove(): Promise<void> {
    return this.#run(() => this.#deps.store.removePlugin(this.name));
  }

  /** Applies what another process stored: traffic, withdrawn builds, a command not seen yet. */
  applyStored(record: StoredRollout, initial: boolean): Promise<void> {
    return this.#run(async () => {
      this.#traffic = storedTraffic(record.traffic);
      if (this.#traffic.weights !== undefined && this.#canary !== undefined)
        this.#canary.progressive = false;
      this.#withdrawn = new Map(storedWithdrawn(record).map((build) => [build.sha256, build]));
      this.#persisted = JSON.stringify([this.#traffic, [...this.#withdrawn.values()]]);
      this.#storedCanary = storedCanary(record);
      this.#followCanary();
      const command = record.command;
      if (command !== undefined && command.seq > this.#appliedCommand) {
        this.#appliedCommand = command.seq;
        const { active, previous } = this;
        if (!initial && active?.sha256 !== command.sha256 && previous?.sha256 === command.sha256)
          await this.#swap(command, command.type, false).catch((error: unknown) => {
            if (!isPluginError(error)) throw error;
          });
      }
      this.#publish();
    });
  }

  /** The active build, as this rollout serves it. */
  get active(): ServedVersion | undefined {
    return this.#active;
  }

  get previous(): ServedVersion | undefined {
    return this.#previous;
  }

  /**
   * Swaps to the previous build: requests go there from the moment the snapshot is published,
   * before the registry's own swap; a rollback withdraws the build it leaves.
   */
  async #swap(request: RollbackRequest, type: 'rollback' | 'activate', persist: boolean) {
    const from = this.#active;
    const to = this.#previous;
    const slot = this.#deps.registry.get(this.name);
    if (from === undefined || to === undefined || slot?.previous?.id !== to.id)
      throw new PluginError(
        'PLUGIN_ROLLBACK_UNAVAILABLE',
        `plugin "${this.name}" has no previous version retained`,
      );
    const before = [
      this.#canary,
      new Map(this.#withdrawn),
      this.#traffic,
      this.#persisted,
    ] as const;
    [this.#active, this.#previous] = [to, from];
    this.#canary = undefined;
    this.#withdrawn.delete(to.sha256);
    if (type === 'rollback') this.#withdraw(from, `${request.trigger} rollback: ${request.reason}`);
    this.#traffic = withoutWeights(this.#traffic);
    const command = { type, sha256: to.sha256, from: from.sha256, ...request };
    // In a fleet the store takes the decision first: a node that lost the race changes nothing.
    const storeFirst = persist && this.#deps.store.canaries !== undefined;
    try {
      if (storeFirst) await this.#persist(command);
    } catch (error) {
      this.#persisted = before[3];
      // Out of the store's reach, a failing canary is still taken out of service here.
      if (request.trigger !== 'automatic' || lostRace(error)) {
        [this.#active, this.#previous] = [from, to];
        [this.#canary, this.#withdrawn, this.#traffic] = before;
        throw error;
      }
      this.#deps.log.warn(
        { err: error, plugin: this.name },
        'automatic rollback on this node only: the fleet store did not take it',
      );
    }
    this.#publish();
    try {
      await this.#deps.registry.rollback(this.name);
    } catch (error) {
      [this.#active, this.#previous] = [from, to];
      this.#publish();
      throw error;
    }
    this.#report.rolledBack(request, from, to);
    if (!persist) return;
    if (!storeFirst) await this.#persist(command);
    await this.#restoreInStore(to);
  }

  /** Withdraws a build: remembered (bounded), and no rule or weight sends traffic to it. */
  #withdraw(build: Pick<WithdrawnBuild, 'sha256' | 'version' | 'backend'>, reason: string): void {
    this.#withdrawn.delete(build.sha256);
    const { sha256, version, backend } = build;
    this.#withdrawn.set(sha256, { sha256, version, backend, reason });
    while (this.#withdrawn.size > MAX_WITHDRAWN)
      this.#withdrawn.delete(this.#withdrawn.keys().next().value!);
    const stillServed = [this.#active, this.#previous].some(
      (other) =>
        other !== undefined && other.version === version && !this.#withdrawn.has(other.sha256),
    );
    if (!stillServed) this.#traffic = withoutVersion(this.#traffic, version);
  }

  /** Writes traffic, withdrawn builds and, given one, a command for the other processes. */
  async #persist(
    command?: Omit<NonNullable<StoredRollout['command']>, 'seq'>,
    basedOn?: number,
  ): Promise<void> {
    const traffic = this.#traffic;
    const withdrawn = [...this.#withdrawn.values()];
    const written = JSON.stringify([traffic, withdrawn]);
    // Nothing new to tell the other processes (an upload that only swapped builds).
    if (command === undefined && basedOn === undefined && written === this.#persisted) return;
    this.#persisted = written;
    await this.#deps.store.update(
      this.name,
      (current) => {
        const next: { -readonly [K in keyof StoredRollout]: StoredRollout[K] } = {
          ...current,
          traffic,
          withdrawn,
        };
        if (command !== undefined) {
          next.command = { ...command, seq: (current?.command?.seq ?? 0) + 1 };
          this.#appliedCommand = next.command.seq;
        }
        return next;
      },
      basedOn,
    );
  }

  /** Makes the swap outlive a restart: the store gets the build swapped to, when it kept it. */
  async #restoreInStore(to: ServedVersion): Promise<void> {
    if (to.backend === undefined) return;
    try {
      if (!(await this.#deps.store.restoreArtifact(this.name, to.backend, to.sha256)))
        this.#deps.log.warn(
          { plugin: this.name, sha256: to.sha256 },
          'swapped in memory only: the folder still holds the other build (it was not uploaded through the admin API)',
        );
    } catch (error) {
      this.#deps.log.error(
        { err: error, plugin: this.name },
        'cannot restore the build in the folder',
      );
    }
  }

  /** Takes in what the registry serves after a change this rollout did not make itself. */
  async #adopt(): Promise<void> {
    const slot = this.#deps.registry.get(this.name);
    const active = slot?.active;
    const previous = slot?.previous?.state === 'closed' ? undefined : slot?.previous;
    const old = this.#active;
    if (active?.id === old?.id) {
      if (previous?.id === this.#previous?.id) return;
      this.#previous = previous;
      return this.#publish();
    }
    if (active !== undefined && old !== undefined && this.#withdrawn.has(active.sha256)) {
      if (previous?.id === old.id) return this.#refuseReturn(active, old);
    }
    this.#active = active;
    this.#previous = previous;
    if (active !== undefined) await this.#activated(active, old);
    this.#publish();
  }

  async #activated(active: ServedVersion, old: ServedVersion | undefined): Promise<void> {
    this.#contentType = await this.#deps.readContentType(this.name);
    if (old === undefined) return this.#report.loaded(active);
    if (old.sha256 === active.sha256) return; // the same build loaded again
    // A canary starts from the admin's rules and stickiness, not from weights set for older builds.
    this.#canary = startCanary(active, this.#deps.config.canary, this.#deps.now());
    this.#followCanary();
    this.#autoRollbackOf = undefined;
    this.#traffic = withoutWeights(this.#traffic);
    this.#report.swapped(old, active);
  }

  /** A withdrawn build came back (a late folder write, another process): it never serves. */
  async #refuseReturn(returned: ServedVersion, good: ServedVersion): Promise<void> {
    this.#report.note(
      'swapped',
      `swapped ${label(good)} → ${label(returned)}`,
      label(returned),
      label(good),
    );
    await this.#deps.registry.rollback(this.name);
    this.#previous = returned;
    this.#publish();
    const reason = `build ${returned.sha256.slice(0, 12)} was rolled back before`;
    this.#report.rolledBack({ trigger: 'automatic', reason }, returned, good);
    await this.#restoreInStore(good);
  }
}
