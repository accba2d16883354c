import type { SlotSnapshot, VersionSnapshot } from '../../runtime/index.js';
import type { WithdrawnBuild } from '../rollout/control-store.js';
import type { Rollout } from '../rollout/rollout.js';
import type { RoutingSnapshot } from '../rollout/routing-snapshot.js';
import type { Traffic } from '../routing/traffic.js';

/** One version as the admin API and the dashboard show it. */
export interface VersionView {
  readonly id: number;
  readonly version: string | undefined;
  readonly backend: string | undefined;
  /** Where it runs: in-process, worker or process. */
  readonly isolation: string | null;
  readonly state: string;
  readonly sha256: string;
  /** A Windows DLL's VERSIONINFO FileVersion; null elsewhere. */
  readonly fileVersion: string | null;
  /** `twin`: the other backend's build, served only to requests pinned to that backend. */
  readonly role: 'active' | 'previous' | 'twin' | 'other';
  /** Rolled back or refused: pinned requests to it get 410 until it is activated again. */
  readonly withdrawn: boolean;
  /** Percent of unpinned traffic it takes now. */
  readonly weight: number;
  readonly calls: number;
  readonly errors: number;
  readonly faults: number;
  readonly inFlight: number;
  /** What the version holds while loaded, as the memory budget counts it (0: not loaded now). */
  readonly memoryBytes?: number | undefined;
}

export interface PluginView {
  readonly name: string;
  readonly lazy: boolean;
  /** The version unpinned requests go to by default, as the rollout serves it. */
  readonly active: string | undefined;
  /** Grows with each change of the rollout. */
  readonly revision: number;
  readonly versions: VersionView[];
  readonly traffic: Traffic;
  /** Builds taken out of service (newest last), with why. */
  readonly withdrawn: readonly WithdrawnBuild[];
  readonly canary:
    | {
        version: string;
        weight: number;
        progressive: boolean;
        calls: number;
        faults: number;
        since: number;
      }
    | undefined;
}

function weightOf(snapshot: RoutingSnapshot, version: VersionSnapshot): number {
  const { active, previous, withdrawn } = snapshot;
  const weights = snapshot.policy.weights;
  const roleWeight = version.id === active?.id ? 100 : 0;
  if (weights === undefined || version.version === undefined) return roleWeight;
  const servable = [active, previous].filter(
    (v) => v !== undefined && !withdrawn.has(v.sha256) && (weights[v.version ?? ''] ?? 0) > 0,
  );
  const total = servable.reduce((sum, v) => sum + (weights[v!.version ?? ''] ?? 0), 0);
  if (total === 0) return roleWeight;
  const first = servable.find((v) => v!.version === version.version);
  return first?.id === version.id ? Math.round(((weights[version.version] ?? 0) * 100) / total) : 0;
}

function roleOf(
  snapshot: RoutingSnapshot,
  slot: SlotSnapshot,
  version: VersionSnapshot,
  twin: unknown,
) {
  // A lazy plugin's first load is taken in by its rollout just after the call that caused it.
  if (version.id === (snapshot.active ?? slot.active)?.id) return 'active';
  if (version.id === snapshot.previous?.id) return 'previous';
  return version === twin ? 'twin' : 'other';
}

/** A plugin's versions, traffic, withdrawn builds and canary, for the admin API and the dashboard. */
export function describePlugin(
  rollout: Rollout,
  slot: SlotSnapshot,
  now: number,
  twin: VersionSnapshot | undefined = undefined,
): PluginView {
  const snapshot = rollout.snapshot;
  const known = new Set(slot.versions.map((version) => `${version.sha256}/${version.backend}`));
  const twins = twin === undefined || known.has(`${twin.sha256}/${twin.backend}`) ? [] : [twin];
  const versions = [...slot.versions, ...twins].map((version): VersionView => {
    const role = roleOf(snapshot, slot, version, twin);
    return {
      id: version.id,
      version: version.version,
      backend: version.backend,
      isolation: version.isolation ?? null,
      state: version.state,
      sha256: version.sha256,
      fileVersion: version.fileVersion ?? null,
      role,
      withdrawn: snapshot.withdrawn.has(version.sha256),
      weight: role === 'active' || role === 'previous' ? weightOf(snapshot, version) : 0,
      ...rollout.stats.counts(version.id),
      inFlight: version.inFlight,
    };
  });
  const canary = rollout.canary;
  const totals = canary?.window.totals(now);
  return {
    name: rollout.name,
    lazy: slot.lazy,
    active: (snapshot.active ?? slot.active)?.version,
    revision: snapshot.revision,
    versions,
    traffic: rollout.traffic,
    withdrawn: [...snapshot.withdrawn.values()],
    canary:
      canary === undefined
        ? undefined
        : {
            version: canary.version,
            weight: canary.weight,
            progressive: canary.progressive,
            calls: totals!.calls,
            faults: totals!.faults,
            since: canary.startedAt,
          },
  };
}
