import type { AuditEntry } from '../auth/audit-log.js';
import type { FeedEvent } from '../observability/event-feed.js';
import type { PluginView, VersionView } from '../service/describe.js';

// The dashboard's sections. Each function uses only its arguments and the language's globals:
// the page script embeds their source to redraw, so the server's first render and the
// browser's updates are one definition (as renderCharts and renderFleet).

type Esc = (value: unknown) => string;

/** Calls/s and errors/s of a version, as text: the page computes them between two polls. */
export type RateOf = (plugin: string, version: VersionView) => readonly [string, string];

export function renderPlugins(plugins: readonly PluginView[], esc: Esc, rateOf: RateOf): string {
  if (plugins.length === 0) return '<p>No plugins loaded.</p>';
  const row = (name: string, v: VersionView) => {
    const [rate, errorRate] = rateOf(name, v);
    const weight = Number(v.weight);
    const traffic =
      v.role === 'twin'
        ? '<span class="pinned">pinned only</span>'
        : `<div class="bar"><span style="width:${weight}%"></span></div>${weight}%`;
    const isolation = v.isolation ? ` <small>${esc(v.isolation)}</small>` : '';
    return `<tr data-plugin="${esc(name)}" data-version="${esc(v.version)}" class="role-${esc(v.role)}"><td>${esc(v.version)}</td><td>${esc(v.backend)}${isolation}</td><td>${esc(v.state)}</td><td>${esc(v.role)}</td><td>${traffic}</td><td class="num" data-calls>${Number(v.calls)}</td><td class="num" data-errors>${Number(v.errors)}</td><td class="num" data-rate>${esc(rate)}</td><td class="num" data-error-rate>${esc(errorRate)}</td><td><code>${esc(String(v.sha256).slice(0, 12))}</code></td></tr>`;
  };
  const card = (p: PluginView) => {
    const c = p.canary;
    const canary = c
      ? `<p class="canary">canary ${esc(c.version)} at ${Number(c.weight)}% · ${Number(c.faults)} faults / ${Number(c.calls)} calls in window</p>`
      : '';
    const head =
      '<tr><th>version</th><th>backend</th><th>state</th><th>role</th><th>traffic</th><th>calls</th><th>errors</th><th>calls/s</th><th>errors/s</th><th>sha256</th></tr>';
    return `<section class="plugin" data-plugin="${esc(p.name)}"><h2>${esc(p.name)} <small>active ${esc(p.active ?? '(lazy)')}</small></h2>${canary}<table><thead>${head}</thead><tbody>${p.versions.map((v) => row(p.name, v)).join('')}</tbody></table></section>`;
  };
  return plugins.map(card).join('');
}

export function renderEvents(events: readonly FeedEvent[], esc: Esc): string {
  if (events.length === 0) return '<li>No events yet.</li>';
  return events
    .map((event) => {
      const time = new Date(Number(event.time)).toISOString().slice(11, 19);
      return `<li class="event-${esc(event.type)}"><time>${time}</time> <b>${esc(event.plugin)}</b> ${esc(event.message)}</li>`;
    })
    .join('');
}

export function renderAudit(entries: readonly AuditEntry[], esc: Esc): string {
  if (entries.length === 0) return '<li>None yet.</li>';
  return entries
    .map((a) => {
      const plugin = a.plugin ? ` ${esc(a.plugin)}` : '';
      const code = a.code ? ` ${esc(a.code)}` : '';
      return `<li class="audit-${esc(a.result)}"><time>${esc(String(a.time).slice(11, 19))}</time> <b>${esc(a.keyId ?? 'server')}</b> ${esc(a.action)}${plugin} → ${Number(a.status)}${code}</li>`;
    })
    .join('');
}

export function memoryText(memory: { readonly budget: number; readonly used: number }): string {
  const mib = (bytes: number) => (Number(bytes) / 1024 / 1024).toFixed(1);
  return `memory ${mib(memory.used)} of ${mib(memory.budget)} MiB budget`;
}
