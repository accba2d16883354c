import type { FeedEvent } from '../observability/event-feed.js';
import type { PluginView, VersionView } from '../service/describe.js';
import type { DashboardData } from './render.js';

/** Hex digits of a sha256 an anonymous visitor sees: enough to tell builds apart, not to name one. */
export const SHORT_HASH = 12;

// Allow-lists: a field added to the admin view stays out of the redacted one until named here.
function version(v: VersionView): VersionView {
  const { id, version, backend, isolation, state, fileVersion, role, weight, withdrawn } = v;
  const { calls, errors, faults, inFlight, memoryBytes } = v;
  const sha256 = v.sha256.slice(0, SHORT_HASH);
  return {
    ...{ id, version, backend, isolation, state, sha256, fileVersion, role, weight, withdrawn },
    ...{ calls, errors, faults, inFlight, memoryBytes },
  };
}

function plugin(p: PluginView): PluginView {
  const weights = p.traffic.weights;
  return {
    name: p.name,
    lazy: p.lazy,
    active: p.active,
    revision: p.revision,
    versions: p.versions.map(version),
    traffic: weights === undefined ? {} : { weights },
    // Which builds are out of service, not why (a reason may quote an admin's note).
    withdrawn: p.withdrawn.map((build) => ({
      sha256: build.sha256.slice(0, SHORT_HASH),
      version: build.version,
      backend: build.backend,
      reason: 'withdrawn',
    })),
    canary: p.canary,
  };
}

function event(e: FeedEvent): FeedEvent {
  const { type, plugin, time, from, to, trigger } = e;
  // A traffic message carries rule values (often secrets); a load failure, paths.
  const message =
    type === 'traffic-set' ? 'traffic changed' : type === 'load-failed' ? 'load failed' : e.message;
  return { type, plugin, time, message, from, to, trigger };
}

/**
 * The dashboard as an anonymous visitor sees it: plugin names, versions, health and counts;
 * no traffic rules or sticky header (rule values are often secrets), hashes cut to
 * {@link SHORT_HASH} digits, event messages without rule values or paths; the charts, but not
 * the fleet (node ids, hosts and pids) nor the audit log.
 */
export function redactDashboard(data: DashboardData): DashboardData {
  return {
    time: data.time,
    view: 'redacted',
    memory: data.memory,
    plugins: data.plugins.map(plugin),
    events: data.events.map(event),
    // Names, versions and counts: what the plugin tables already show.
    series: data.series.map(({ plugin, version, backend, points }) => ({
      plugin,
      version,
      backend,
      points,
    })),
  };
}
