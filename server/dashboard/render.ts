import type { AuditEntry } from '../auth/audit-log.js';
import type { FeedEvent } from '../observability/event-feed.js';
import type { VersionSeries } from '../observability/version-series.js';
import type { PluginView } from '../service/describe.js';
import { renderCharts } from './charts.js';
import { escapeHtml as e } from './escape.js';
import { type FleetData, renderFleet } from './fleet-view.js';
import { memoryText, renderAudit, renderEvents, renderPlugins } from './sections.js';

/** What the dashboard shows; also the JSON of GET /v1/dashboard. */
export interface DashboardData {
  readonly time: number;
  /** `admin`: everything; `redacted`: what an anonymous visitor may see. */
  readonly view: 'admin' | 'redacted';
  readonly plugins: readonly PluginView[];
  readonly events: readonly FeedEvent[];
  /** The memory budget and what the plugins hold (absent without a budget). */
  readonly memory?: { readonly budget: number; readonly used: number } | undefined;
  /** The latest admin actions, newest first: the admin view only. */
  readonly audit?: readonly AuditEntry[];
  /** Calls, errors and p99 latency per version over the last minutes (the process group's). */
  readonly series: readonly VersionSeries[];
  /** With a fleet store: every node and what it serves. The admin view only. */
  readonly fleet?: FleetData;
}

/** The dashboard's body content, rendered on the server; the page script re-renders it the same way. */
export function renderDashboard(data: DashboardData): string {
  const notYet = () => ['–', '–'] as const;
  const audit =
    data.audit === undefined
      ? ''
      : `<h2>Admin actions</h2><ul id="audit">${renderAudit(data.audit, e)}</ul>`;
  const memory =
    data.memory === undefined ? '' : `<p id="memory">${e(memoryText(data.memory))}</p>`;
  const fleet =
    data.fleet === undefined
      ? ''
      : `<h2>Fleet</h2><div id="fleet">${renderFleet(data.fleet, data.time, e)}</div>`;
  const charts = `<h2>Last minutes <small>calls/s, errors/s, p99 latency per version</small></h2><div id="charts">${renderCharts(data.series, e)}</div>`;
  const plugins = `<div id="plugins">${renderPlugins(data.plugins, e, notYet)}</div>`;
  const events = `<h2>Swaps and rollbacks</h2><ul id="events">${renderEvents(data.events, e)}</ul>`;
  return `${memory}${fleet}${plugins}${charts}${events}${audit}`;
}
