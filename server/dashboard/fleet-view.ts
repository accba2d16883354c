import type { FleetNodeView } from '../fleet/presence.js';

/**
 * The fleet as the admin's dashboard shows it: `nodes` null while the store is unreachable. The
 * nodes are listNodes' (server/fleet/presence-entry.ts reads each entry: fields and types forced).
 */
export interface FleetData {
  readonly connected: boolean;
  readonly nodes: readonly FleetNodeView[] | null;
}

/**
 * Nodes × versions: which node serves which version of each plugin, silent nodes marked.
 * Self-contained like renderCharts (the page script embeds its source).
 */
export function renderFleet(
  fleet: FleetData,
  now: number,
  esc: (value: unknown) => string,
): string {
  const store = fleet.connected
    ? '<p class="store" data-connected="true">store connected</p>'
    : '<p class="store" data-connected="false">store unreachable: this node serves the last state it has</p>';
  const nodes = fleet.nodes;
  if (nodes === null) return store;
  if (nodes.length === 0) return `${store}<p>No node has written its presence yet.</p>`;
  const columns = new Map<string, Set<string>>();
  for (const node of nodes)
    for (const p of node.plugins) {
      const versions = columns.get(p.name) ?? new Set<string>();
      for (const v of p.versions) versions.add(v.version ?? '');
      columns.set(p.name, versions);
    }
  const plugins = [...columns.keys()].sort();
  const heads = plugins
    .map((name) => [name, [...columns.get(name)!].sort()] as const)
    .filter(([, versions]) => versions.length > 0);
  const top = heads
    .map(([name, versions]) => `<th colspan="${versions.length}">${esc(name)}</th>`)
    .join('');
  const sub = heads.flatMap(([, versions]) => versions.map((v) => `<th>${esc(v)}</th>`)).join('');
  const seconds = (ms: number) => `${Math.max(0, Math.round(ms / 1000))} s`;
  const totals = new Map<string, { calls: number; errors: number }>();
  const cell = (node: FleetNodeView, name: string, version: string) => {
    const plugin = node.plugins.find((p) => p.name === name);
    const entries = plugin?.versions.filter((v) => (v.version ?? '') === version) ?? [];
    if (plugin === undefined || entries.length === 0) return '<td class="absent">–</td>';
    // Twins share a version: one line per backend.
    const total = totals.get(JSON.stringify([name, version])) ?? { calls: 0, errors: 0 };
    for (const v of entries) {
      total.calls += Number(v.calls);
      total.errors += Number(v.errors);
    }
    totals.set(JSON.stringify([name, version]), total);
    const lines = entries.map(
      (v) => `${esc(v.backend)} · ${Number(v.calls)} calls · ${Number(v.errors)} errors`,
    );
    const active = plugin.active === version;
    const state = active ? '<b>serves</b>' : esc(entries[0]!.state);
    return `<td class="${active ? 'serves' : 'loaded'}" data-plugin="${esc(name)}" data-version="${esc(version)}" data-active="${active}">${state} <small>${lines.join('<br>')}</small></td>`;
  };
  const rows = nodes.map((node) => {
    const cells = heads.flatMap(([name, versions]) => versions.map((v) => cell(node, name, v)));
    const status = node.silent
      ? `<span class="silent-badge">silent ${seconds(node.ageMs)}</span>`
      : `seen ${seconds(node.ageMs)} ago`;
    return `<tr data-node="${esc(node.id)}" data-silent="${node.silent === true}" class="${node.silent ? 'silent' : 'live'}"><td><b>${esc(node.id)}</b><br><small>${esc(node.host)} pid ${Number(node.pid)} · up ${seconds(now - node.startedAt)}</small></td><td>${status}</td>${cells.join('')}</tr>`;
  });
  const sums = heads.flatMap(([name, versions]) =>
    versions.map((version) => {
      const total = totals.get(JSON.stringify([name, version])) ?? { calls: 0, errors: 0 };
      return `<td data-total-calls="${total.calls}">${total.calls} calls · ${total.errors} errors</td>`;
    }),
  );
  const foot = `<tfoot><tr><th colspan="2">fleet total</th>${sums.join('')}</tr></tfoot>`;
  return `${store}<table class="fleet"><thead><tr><th rowspan="2">node</th><th rowspan="2">presence</th>${top}</tr><tr>${sub}</tr></thead><tbody>${rows.join('')}</tbody>${foot}</table>`;
}
