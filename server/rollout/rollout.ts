import { isPluginError, PluginError, type ServedVersion } from '../../runtime/index.js';
import { ServerError } from '../errors/server-error.js';
import type { CanaryState } from '../routing/canary.js';
import { COUNTS_AGAINST_CANARY } from '../routing/fault-codes.js';
import type { Traffic } from '../routing/traffic.js';
import { CallStats } from './call-stats.js';
import type { StoredRollout, WithdrawnBuild } from './control-store.js';
import { RolloutBuilds } from './rollout-builds.js';
import { RolloutCanary } from './rollout-canary.js';
import type { RolloutDeps } from './rollout-deps.js';
import { RolloutPersistence } from './rollout-persistence.js';
import { makeSnapshot } from './rollout-policy.js';
import { label, type RollbackRequest, RolloutReport } from './rollout-report.js';
import { RolloutTraffic } from './rollout-traffic.js';
import type { RoutingSnapshot } from './routing-snapshot.js';
import { type UploadRequest, type UploadResult, uploadStaged } from './staged-upload.js';
import { storedCanary } from './stored-record.js';

const notLoaded = (name: string, version: string) =>
  new PluginError('PLUGIN_NOT_FOUND', `plugin "${name}" has no loaded version ${version}`, {
    details: { name, version },
  });

/**
 * One plugin's rollout: the active and previous builds, the canary, the traffic policy and the
 * withdrawn builds. It is their only writer: every change is a named transition (activate,
 * split/rule, canary step, rollback, withdraw, re-activate, and following the folder or
 * another process), run one at a time per plugin; each publishes a new immutable
 * {@link RoutingSnapshot}, the only thing the data path reads. Inside it each part has one
 * owner, changed only through these transitions: the builds and the swaps between them
 * ({@link RolloutBuilds}), the canary and its verdicts ({@link RolloutCanary}), the policy and
 * the withdrawn builds ({@link RolloutTraffic}), and what the store was told
 * ({@link RolloutPersistence}).
 */
export class Rollout {
  readonly name: string;
  readonly stats: CallStats;
  readonly #deps: RolloutDeps;
  readonly #report: RolloutReport;
  readonly #canary: RolloutCanary;
  readonly #traffic = new RolloutTraffic();
  readonly #persistence: RolloutPersistence;
  readonly #builds: RolloutBuilds;
  #chain: Promise<unknown> = Promise.resolve();
  #revision = 0;
  #snapshot: RoutingSnapshot;
  #rollbacksWaiting = 0;

  constructor(name: string, deps: RolloutDeps) {
    this.name = name;
    this.#deps = deps;
    this.stats = new CallStats(name, deps.metrics);
    this.#report = new RolloutReport(name, deps);
    this.#persistence = new RolloutPersistence(name, deps);
    const publish = () => this.#publish();
    this.#canary = new RolloutCanary(name, deps, this.#report, {
      run: (task) => this.#run(task),
      publish,
      rollBack: (reason) => this.#builds.swap({ trigger: 'automatic', reason }, 'rollback', true),
    });
    this.#builds = new RolloutBuilds(name, deps, {
      canary: this.#canary,
      traffic: this.#traffic,
      persistence: this.#persistence,
      report: this.#report,
      publish,
    });
    this.#snapshot = this.#make();
  }

  /** The routing in force now: replaced whole by each transition. */
  get snapshot(): RoutingSnapshot {
    return this.#snapshot;
  }

  get canary(): Readonly<CanaryState> | undefined {
    return this.#canary.state;
  }

  get traffic(): Traffic {
    return this.#traffic.policy;
  }

  /** The active build, as this rollout serves it. */
  get active(): ServedVersion | undefined {
    return this.#builds.active;
  }

  get previous(): ServedVersion | undefined {
    return this.#builds.previous;
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
      active: this.#builds.active,
      previous: this.#builds.previous,
      canary: this.#canary.state,
      traffic: this.#traffic.policy,
      withdrawn: this.#traffic.withdrawn,
      contentType: this.#builds.contentType,
      quarantined: this.#canary.quarantined,
    });
  }

  #publish(): void {
    this.#revision += 1;
    this.#snapshot = this.#make();
    this.#canary.published();
  }

  /** The folder's look at this plugin (read it, register what it holds), then what it changed. */
  followFolder(sync: () => Promise<void>): Promise<void> {
    return this.#run(async () => {
      await sync();
      await this.#builds.adopt();
    });
  }

  /** The registry changed on its own (a lazy load, a removal): take in what it serves. */
  sync(): Promise<void> {
    return this.#run(() => this.#builds.adopt());
  }

  /** Counts one call against the build that served it; a failing canary is rolled back. */
  record(version: ServedVersion | undefined, seconds: number, error: unknown): void {
    if (version === undefined) return;
    const code = error === undefined ? undefined : isPluginError(error) ? error.code : undefined;
    const fault = code !== undefined && COUNTS_AGAINST_CANARY[code];
    this.stats.record(version, seconds, code, error !== undefined, fault);
    this.#canary.record(version.id, fault);
  }

  /** Judges the canary (see {@link RolloutCanary.tick}). */
  tick(): void {
    this.#canary.tick();
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
        await this.#builds.swap(request, 'rollback', true);
      } finally {
        this.#rollbacksWaiting -= 1;
      }
    });
  }

  /** Sends all unpinned traffic to one loaded version; a withdrawn one is re-activated. */
  activate(version: string): Promise<void> {
    return this.#run(async () => {
      const active = this.#builds.active;
      if (active !== undefined && active.version === version) {
        this.#canary.stop();
        this.#traffic.dropWeights();
        this.#traffic.reinstate(active.sha256);
        this.#publish();
        return this.#persistence.write(this.#traffic);
      }
      if (this.#builds.previous?.version !== version) throw notLoaded(this.name, version);
      await this.#builds.swap(
        { trigger: 'manual', reason: `version ${version} activated` },
        'activate',
        true,
      );
    });
  }

  /** Takes the previous build out of service: pinned requests to it get 410. */
  withdraw(version: string): Promise<void> {
    return this.#run(async () => {
      if (this.#builds.active?.version === version)
        throw new ServerError('ROLLOUT_CONFLICT', `${version} is active: roll back instead`);
      const previous = this.#builds.previous;
      if (previous?.version !== version) throw notLoaded(this.name, version);
      this.#builds.withdraw(previous, 'withdrawn by the admin API');
      this.#publish();
      this.#report.note('withdrawn', `${label(previous)} withdrawn`, label(previous));
      await this.#persistence.write(this.#traffic);
    });
  }

  /** Replaces the traffic policy (weights, rules, stickiness); a progressive canary stops stepping. */
  setTraffic(traffic: Traffic, basedOn?: number): Promise<void> {
    return this.#run(async () => {
      this.#traffic.set(traffic, this.#snapshot.servable);
      if (traffic.weights !== undefined) this.#canary.holdWeight();
      this.#publish();
      this.#report.trafficSet(traffic);
      await this.#persistence.write(this.#traffic, undefined, basedOn);
    });
  }

  /** Checks an upload in a staging area, activates it, and only then writes it to the store. */
  upload(request: UploadRequest): Promise<UploadResult> {
    return this.#run(async () => {
      const active = this.#deps.registry.get(this.name)?.active;
      if (active?.sha256 === request.sha256) return { outcome: 'unchanged', version: active };
      const refused = (build: WithdrawnBuild) => this.#builds.withdraw(build, build.reason);
      // Uploading a withdrawn build again is an explicit re-activation.
      const before = this.#traffic.reinstate(request.sha256);
      try {
        const result = await uploadStaged(this.#deps, request, refused);
        // Pointing the store at a new build started a new canary: no fleet progress yet.
        this.#canary.forgetStored();
        await this.#builds.adopt();
        await this.#persistence.write(this.#traffic);
        return result;
      } catch (error) {
        if (before !== undefined) this.#traffic.putBack(before);
        this.#publish();
        // A refused first upload leaves no trace in the store either.
        if (this.#deps.registry.has(this.name))
          await this.#persistence.write(this.#traffic).catch(() => {});
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
      await this.#builds.adopt();
    });
  }

  /** Deletes the plugin from the store (every process's watcher unloads it). */
  remove(): Promise<void> {
    return this.#run(() => this.#deps.store.removePlugin(this.name));
  }

  /** Applies what another process stored: traffic, withdrawn builds, a command not seen yet. */
  applyStored(record: StoredRollout, initial: boolean): Promise<void> {
    return this.#run(async () => {
      this.#traffic.follow(record);
      if (this.#traffic.policy.weights !== undefined) this.#canary.holdWeight();
      this.#persistence.followed(this.#traffic);
      this.#canary.follow(storedCanary(record));
      const command = record.command;
      if (command !== undefined && this.#persistence.fresh(command)) {
        const { active, previous } = this;
        if (!initial && active?.sha256 !== command.sha256 && previous?.sha256 === command.sha256)
          await this.#builds.swap(command, command.type, false).catch((error: unknown) => {
            if (!isPluginError(error)) throw error;
          });
      }
      this.#publish();
    });
  }
}
