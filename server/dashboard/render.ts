import type { AuditEntry } from '../auth/audit-log.js';
import type { FeedEvent } from '../observability/event-feed.js';
import type { VersionSeries } from '../observability/version-series.js';
import type { PluginView, VersionView } from '../service/describe.js';
import { renderCharts } from './charts.js';
import { escapeHtml as e } from './escape.js';
import { type FleetData, renderFleet } from './fleet-view.js';

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

function trafficCell(v: VersionView): string {
  if (v.role === 'twin') return '<span class="pinned">pinned only</span>';
  return `<div class="bar"><span style="width:${Number(v.weight)}%"></span></div>${Number(v.weight)}%`;
}

function versionRow(plugin: string, v: VersionView): string {
  return `<tr data-plugin="${e(plugin)}" data-version="${e(v.version)}" class="role-${e(v.role)}">
<td>${e(v.version)}</td><td>${e(v.backend)}${v.isolation ? ` <small>${e(v.isolation)}</small>` : ''}</td><td>${e(v.state)}</td><td>${e(v.role)}</td>
<td>${trafficCell(v)}</td>
<td class="num" data-calls>${Number(v.calls)}</td><td class="num" data-errors>${Number(v.errors)}</td>
<td class="num" data-rate>–</td><td class="num" data-error-rate>–</td><td><code>${e(v.sha256.slice(0, 12))}</code></td></tr>`;
}

function pluginCard(plugin: PluginView): string {
  const canary = plugin.canary
    ? `<p class="canary">canary ${e(plugin.canary.version)} at ${plugin.canary.weight}% · ${plugin.canary.faults} faults / ${plugin.canary.calls} calls in window</p>`
    : '';
  return `<section class="plugin" data-plugin="${e(plugin.name)}"><h2>${e(plugin.name)} <small>active ${e(plugin.active ?? '(lazy)')}</small></h2>${canary}
<table><thead><tr><th>version</th><th>backend</th><th>state</th><th>role</th><th>traffic</th><th>calls</th><th>errors</th><th>calls/s</th><th>errors/s</th><th>sha256</th></tr></thead>
<tbody>${plugin.versions.map((v) => versionRow(plugin.name, v)).join('')}</tbody></table></section>`;
}

function eventItem(event: FeedEvent): string {
  const time = new Date(event.time).toISOString().slice(11, 19);
  return `<li class="event-${e(event.type)}"><time>${time}</time> <b>${e(event.plugin)}</b> ${e(event.message)}</li>`;
}

function auditItem(entry: AuditEntry): string {
  return `<li class="audit-${e(entry.result)}"><time>${e(entry.time.slice(11, 19))}</time> <b>${e(entry.keyId ?? 'server')}</b> ${e(entry.action)}${entry.plugin ? ` ${e(entry.plugin)}` : ''} → ${Number(entry.status)}${entry.code ? ` ${e(entry.code)}` : ''}</li>`;
}

/** The dashboard's body content, rendered on the server; the page script re-renders it the same way. */
export function renderDashboard(data: DashboardData): string {
  const plugins =
    data.plugins.length === 0 ? '<p>No plugins loaded.</p>' : data.plugins.map(pluginCard).join('');
  const events =
    data.events.length === 0 ? '<li>No events yet.</li>' : data.events.map(eventItem).join('');
  const audit =
    data.audit === undefined
      ? ''
      : `<h2>Admin actions</h2><ul id="audit">${data.audit.length === 0 ? '<li>None yet.</li>' : data.audit.map(auditItem).join('')}</ul>`;
  const mib = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);
  const memory =
    data.memory === undefined
      ? ''
      : `<p id="memory">memory ${mib(data.memory.used)} of ${mib(data.memory.budget)} MiB budget</p>`;
  const fleet =
    data.fleet === undefined
      ? ''
      : `<h2>Fleet</h2><div id="fleet">${renderFleet(data.fleet, data.time, e)}</div>`;
  const charts = `<h2>Last minutes <small>calls/s, errors/s, p99 latency per version</small></h2><div id="charts">${renderCharts(data.series, e)}</div>`;
  return `${memory}${fleet}<div id="plugins">${plugins}</div>${charts}<h2>Swaps and rollbacks</h2><ul id="events">${events}</ul>${audit}`;
}
