import { renderCharts } from './charts.js';
import { renderFleet } from './fleet-view.js';

/**
 * The page's script: polls GET /v1/dashboard and re-renders, computing call and error rates
 * from the change between two polls. Plain browser JavaScript, no framework, no CDN. The charts
 * and the fleet view are the server's own render functions, embedded by their source.
 */
export const PAGE_SCRIPT = `
(() => {
  const INTERVAL_MS = 1000;
  const esc = (v) => String(v ?? '').replace(/[&<>"']/g, (c) => ({'&':'&amp;','<':'&lt;','>':'&gt;','"':'&quot;',"'":'&#39;'})[c]);
  const renderCharts = ${String(renderCharts)};
  const renderFleet = ${String(renderFleet)};
  let last;
  const row = (p, v, rates) => '<tr data-plugin="' + esc(p) + '" data-version="' + esc(v.version) + '" class="role-' + esc(v.role) + '">' +
    '<td>' + esc(v.version) + '</td><td>' + esc(v.backend) + (v.isolation ? ' <small>' + esc(v.isolation) + '</small>' : '') + '</td><td>' + esc(v.state) + '</td><td>' + esc(v.role) + '</td>' +
    '<td>' + (v.role === 'twin' ? '<span class="pinned">pinned only</span>' : '<div class="bar"><span style="width:' + Number(v.weight) + '%"></span></div>' + Number(v.weight) + '%') + '</td>' +
    '<td class="num" data-calls>' + Number(v.calls) + '</td><td class="num" data-errors>' + Number(v.errors) + '</td>' +
    '<td class="num" data-rate>' + rates[0] + '</td><td class="num" data-error-rate>' + rates[1] + '</td>' +
    '<td><code>' + esc(v.sha256.slice(0, 12)) + '</code></td></tr>';
  const rates = (key, v, data) => {
    const before = last && last.counts.get(key);
    if (!before) return ['–', '–'];
    const seconds = Math.max(0.001, (data.time - last.time) / 1000);
    return [((v.calls - before.calls) / seconds).toFixed(1), ((v.errors - before.errors) / seconds).toFixed(1)];
  };
  const card = (p, data) => {
    const canary = p.canary ? '<p class="canary">canary ' + esc(p.canary.version) + ' at ' + p.canary.weight + '% · ' + p.canary.faults + ' faults / ' + p.canary.calls + ' calls in window</p>' : '';
    const rows = p.versions.map((v) => row(p.name, v, rates(p.name + '#' + v.id, v, data))).join('');
    return '<section class="plugin" data-plugin="' + esc(p.name) + '"><h2>' + esc(p.name) + ' <small>active ' + esc(p.active ?? '(lazy)') + '</small></h2>' + canary +
      '<table><thead><tr><th>version</th><th>backend</th><th>state</th><th>role</th><th>traffic</th><th>calls</th><th>errors</th><th>calls/s</th><th>errors/s</th><th>sha256</th></tr></thead><tbody>' + rows + '</tbody></table></section>';
  };
  const item = (ev) => '<li class="event-' + esc(ev.type) + '"><time>' + new Date(ev.time).toISOString().slice(11, 19) + '</time> <b>' + esc(ev.plugin) + '</b> ' + esc(ev.message) + '</li>';
  const auditItem = (a) => '<li class="audit-' + esc(a.result) + '"><time>' + esc(a.time.slice(11, 19)) + '</time> <b>' + esc(a.keyId ?? 'server') + '</b> ' + esc(a.action) + (a.plugin ? ' ' + esc(a.plugin) : '') + ' → ' + Number(a.status) + (a.code ? ' ' + esc(a.code) : '') + '</li>';
  const render = (data) => {
    const memory = document.getElementById('memory');
    if (memory && data.memory) memory.textContent = 'memory ' + (data.memory.used / 1048576).toFixed(1) + ' of ' + (data.memory.budget / 1048576).toFixed(1) + ' MiB budget';
    const audit = document.getElementById('audit');
    if (audit && data.audit) audit.innerHTML = data.audit.length ? data.audit.map(auditItem).join('') : '<li>None yet.</li>';
    document.getElementById('plugins').innerHTML = data.plugins.length ? data.plugins.map((p) => card(p, data)).join('') : '<p>No plugins loaded.</p>';
    document.getElementById('charts').innerHTML = renderCharts(data.series, esc);
    const fleet = document.getElementById('fleet');
    if (fleet && data.fleet) fleet.innerHTML = renderFleet(data.fleet, data.time, esc);
    document.getElementById('events').innerHTML = data.events.length ? data.events.map(item).join('') : '<li>No events yet.</li>';
    const counts = new Map();
    for (const p of data.plugins) for (const v of p.versions) counts.set(p.name + '#' + v.id, v);
    last = { time: data.time, counts };
    document.getElementById('updated').textContent = 'updated ' + new Date(data.time).toISOString().slice(11, 19);
  };
  const poll = async () => {
    try {
      const response = await fetch('/v1/dashboard', { cache: 'no-store' });
      if (response.ok) render(await response.json());
      document.body.dataset.state = response.ok ? 'live' : 'error';
    } catch { document.body.dataset.state = 'offline'; }
    setTimeout(poll, INTERVAL_MS);
  };
  poll();
})();`;
