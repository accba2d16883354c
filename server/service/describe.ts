import type { VersionSnapshot } from '../../runtime/index.js';
import type { PluginRoute } from '../routing/plugin-route.js';

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
  readonly active: string | undefined;
  readonly versions: VersionView[];
  readonly traffic: PluginRoute['traffic'];
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

function weightOf(route: PluginRoute, version: VersionSnapshot): number {
  if (route.forced !== undefined) return route.forced === version.id ? 100 : 0;
  const weights = route.weights();
  const roleWeight = version.id === route.serving()?.id ? 100 : 0;
  if (weights === undefined || version.version === undefined) return roleWeight;
  const servable = [route.active, route.previous].filter(
    (v) => v !== undefined && (weights[v.version ?? ''] ?? 0) > 0,
  );
  const total = servable.reduce((sum, v) => sum + (weights[v!.version ?? ''] ?? 0), 0);
  if (total === 0) return roleWeight;
  const first = servable.find((v) => v!.version === version.version);
  return first?.id === version.id ? Math.round(((weights[version.version] ?? 0) * 100) / total) : 0;
}

/** A plugin's versions, traffic and canary, for GET /v1/admin/plugins/:name and the dashboard. */
export function describePlugin(
  route: PluginRoute,
  now: number,
  twin: VersionSnapshot | undefined = undefined,
): PluginView {
  const known = new Set(route.versions.map((version) => `${version.sha256}/${version.backend}`));
  const twins = twin === undefined || known.has(`${twin.sha256}/${twin.backend}`) ? [] : [twin];
  const versions = [...route.versions, ...twins].map((version): VersionView => {
    const counts = route.counts.get(version.id) ?? { calls: 0, errors: 0, faults: 0 };
    const role =
      version.id === route.active?.id
        ? 'active'
        : version.id === route.previous?.id
          ? 'previous'
          : version === twin
            ? 'twin'
            : 'other';
    return {
      id: version.id,
      version: version.version,
      backend: version.backend,
      isolation: version.isolation ?? null,
      state: version.state,
      sha256: version.sha256,
      fileVersion: version.fileVersion ?? null,
      role,
      weight: role === 'active' || role === 'previous' ? weightOf(route, version) : 0,
      ...counts,
      inFlight: version.inFlight,
    };
  });
  const canary = route.canary;
  const totals = canary?.window.totals(now);
  return {
    name: route.name,
    lazy: route.lazy,
    active: route.active?.version,
    versions,
    traffic: route.traffic,
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
