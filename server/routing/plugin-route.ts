import type { SlotSnapshot, VersionSnapshot, VersionTarget } from '../../runtime/index.js';
import type { CanaryState } from './canary.js';
import { type HeaderLookup, pickVersion } from './pick-version.js';
import type { Traffic } from './traffic.js';

/** What a request asks for: a version or backend pinned, and its headers for rules and stickiness. */
export interface RouteRequest {
  readonly version?: string | undefined;
  readonly backend?: 'wasm' | 'native' | undefined;
  readonly header: HeaderLookup;
}

/** Calls and failures one version has had in this process. */
export interface VersionCounts {
  calls: number;
  errors: number;
  faults: number;
}

/** A version's labelled metric series, looked up once rather than on every call. */
export interface VersionSeries {
  readonly calls: { inc(): void };
  readonly duration: { observe(seconds: number): void };
}

/**
 * One plugin as the server routes it: the active and retained previous versions (refreshed from
 * the registry on each of its events), the traffic policy, the canary under watch, and counts.
 */
export class PluginRoute {
  readonly name: string;
  active: VersionSnapshot | undefined;
  previous: VersionSnapshot | undefined;
  versions: readonly VersionSnapshot[] = [];
  lazy = false;
  traffic: Traffic = {};
  /** plugin.json's contentType, read when a version is activated. */
  contentType: string | undefined;
  canary: CanaryState | undefined;
  /** While a rollback runs, every unpinned request goes to this version id. */
  forced: number | undefined;
  /** sha256 of builds rolled back from: if one is activated again, it is rolled back at once. */
  rejected = new Set<string>();
  readonly counts = new Map<number, VersionCounts>();
  readonly series = new Map<number, VersionSeries>();

  constructor(name: string) {
    this.name = name;
  }

  /** The target naming the active version, kept so that a plain call allocates nothing. */
  #activeTarget: VersionTarget | undefined;

  refresh(slot: SlotSnapshot | undefined): void {
    this.active = slot?.active;
    this.previous = slot?.previous?.state === 'closed' ? undefined : slot?.previous;
    const serving = this.serving();
    this.#activeTarget = serving === undefined ? undefined : { id: serving.id };
    this.versions = slot?.versions ?? [];
    this.lazy = slot?.lazy ?? false;
  }

  /**
   * The version unpinned requests go to by default: the active one, unless it is a build rolled
   * back before (a late watcher event brought it back) and the previous one is not.
   */
  serving(): VersionSnapshot | undefined {
    const { active, previous } = this;
    if (active === undefined || previous === undefined || !this.rejected.has(active.sha256))
      return active;
    return this.rejected.has(previous.sha256) ? active : previous;
  }

  countsFor(id: number): VersionCounts {
    let counts = this.counts.get(id);
    if (counts === undefined) {
      counts = { calls: 0, errors: 0, faults: 0 };
      this.counts.set(id, counts);
    }
    return counts;
  }

  /** The weights in force: the admin's, else a progressive canary's split. */
  weights(): Readonly<Record<string, number>> | undefined {
    if (this.traffic.weights !== undefined) return this.traffic.weights;
    const { canary, previous } = this;
    if (canary === undefined || previous === undefined || canary.weight >= 100) return undefined;
    if (canary.version === previous.version) return undefined;
    return { [canary.version]: canary.weight, [previous.version ?? '']: 100 - canary.weight };
  }

  /** Which version serves a request; undefined leaves it to the registry (lazy plugins). */
  choose(request: RouteRequest): VersionTarget | undefined {
    if (request.version !== undefined || request.backend !== undefined) {
      const target: { version?: string; backend?: 'wasm' | 'native' } = {};
      if (request.version !== undefined) target.version = request.version;
      if (request.backend !== undefined) target.backend = request.backend;
      return target;
    }
    if (this.forced !== undefined) return { id: this.forced };
    const weights = this.weights();
    if (weights === undefined && this.traffic.rules === undefined) return this.#activeTarget;
    const loaded = this.#loaded();
    const policy = weights === undefined ? this.traffic : { ...this.traffic, weights };
    const picked =
      policy.rules === undefined && policy.weights === undefined
        ? undefined
        : pickVersion(policy, loaded, request.header);
    const version = picked === undefined ? this.serving() : this.resolve({ version: picked });
    return version === undefined ? undefined : { id: version.id };
  }

  /** The loaded version a target names (active first), as the registry would pick it. */
  resolve(target: VersionTarget | undefined): VersionSnapshot | undefined {
    if (target === undefined) return this.active;
    if (target === this.#activeTarget) return this.serving();
    return [this.active, this.previous].find(
      (version) =>
        version !== undefined &&
        (target.id === undefined || version.id === target.id) &&
        (target.version === undefined || version.version === target.version) &&
        (target.backend === undefined || version.backend === target.backend),
    );
  }

  #loaded(): string[] {
    const loaded: string[] = [];
    for (const version of [this.active, this.previous]) {
      if (version?.version !== undefined) loaded.push(version.version);
    }
    return loaded;
  }
}
