import { renderCharts } from './charts.js';
import { escapeHtml } from './escape.js';
import { renderFleet } from './fleet-view.js';
import { memoryText, renderAudit, renderEvents, renderPlugins } from './sections.js';

/**
 * The page's script: polls GET /v1/dashboard and re-renders, computing call and error rates
 * from the change between two polls. Plain browser JavaScript, no framework, no CDN. Every
 * section is drawn by the server's own render function, embedded here by its source.
 */
export const PAGE_SCRIPT = `
(() => {
  const INTERVAL_MS = 1000;
  const esc = ${String(escapeHtml)};
  const renderPlugins = ${String(renderPlugins)};
  const renderEvents = ${String(renderEvents)};
  const renderAudit = ${String(renderAudit)};
  const memoryText = ${String(memoryText)};
  const renderCharts = ${String(renderCharts)};
  const renderFleet = ${String(renderFleet)};
  let last;
  const show = (id, html) => {
    const element = document.getElementById(id);
    if (element) element.innerHTML = html;
  };
  const render = (data) => {
    const seconds = last ? Math.max(0.001, (data.time - last.time) / 1000) : 0;
    const rateOf = (name, v) => {
      const before = last && last.counts.get(name + '#' + v.id);
      if (!before) return ['–', '–'];
      return [((v.calls - before.calls) / seconds).toFixed(1), ((v.errors - before.errors) / seconds).toFixed(1)];
    };
    if (data.memory) show('memory', esc(memoryText(data.memory)));
    if (data.audit) show('audit', renderAudit(data.audit, esc));
    if (data.fleet) show('fleet', renderFleet(data.fleet, data.time, esc));
    show('plugins', renderPlugins(data.plugins, esc, rateOf));
    show('charts', renderCharts(data.series, esc));
    show('events', renderEvents(data.events, esc));
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
