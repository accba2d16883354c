import { describe, expect, it } from 'vitest';
import type { AuditEntry } from '../auth/audit-log.js';
import type { PluginView } from '../service/describe.js';
import { renderCharts } from './charts.js';
import { escapeHtml } from './escape.js';
import { renderFleet } from './fleet-view.js';
import { PAGE_SCRIPT } from './page-script.js';
import { redactDashboard } from './redact.js';
import { renderDashboard } from './render.js';
import { memoryText, renderAudit, renderEvents, renderPlugins } from './sections.js';

describe('dashboard rendering', () => {
  it('escapes everything that comes from plugins and events', () => {
    expect(escapeHtml(`<img src=x onerror="a('b')">&`)).toBe(
      '&lt;img src=x onerror=&quot;a(&#39;b&#39;)&quot;&gt;&amp;',
    );
    const html = renderDashboard({
      time: 0,
      view: 'admin',
      plugins: [],
      events: [{ type: 'load-failed', plugin: 'x', time: 0, message: '<script>alert(1)</script>' }],
      series: [],
    });
    expect(html).not.toContain('<script>');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('No plugins loaded.');
  });
});

const ATTACK = `"><img src=x onerror=alert(1)><script>alert(2)</script>`;
const FLEET_NODE = {
  id: ATTACK,
  host: ATTACK,
  pid: 7,
  startedAt: 0,
  at: 1_000,
  ageMs: 5_000,
  silent: true,
  plugins: [
    {
      name: ATTACK,
      active: ATTACK,
      versions: [
        {
          version: ATTACK,
          backend: ATTACK,
          isolation: null,
          state: ATTACK,
          calls: 3,
          errors: 1,
          faults: 0,
        },
      ],
    },
  ],
};

const PLUGIN: PluginView = {
  name: ATTACK,
  lazy: false,
  active: ATTACK,
  revision: 1,
  traffic: {},
  withdrawn: [],
  canary: { version: ATTACK, weight: 5, progressive: true, calls: 1, faults: 0, since: 0 },
  versions: [
    {
      ...{ id: 1, version: ATTACK, backend: ATTACK, isolation: ATTACK, state: ATTACK },
      ...{ sha256: ATTACK, fileVersion: null, role: 'active', withdrawn: false, weight: 100 },
      ...{ calls: 1, errors: 0, faults: 0, inFlight: 0 },
    },
  ],
};
const AUDIT: AuditEntry = {
  time: ATTACK,
  keyId: ATTACK,
  action: ATTACK,
  plugin: ATTACK,
  result: 'refused',
  status: 401,
  code: ATTACK,
  traceId: null,
  pid: 1,
};

describe('the fleet view and the charts', () => {
  const dashboard = (): Parameters<typeof renderDashboard>[0] => ({
    time: 10_000,
    view: 'admin',
    plugins: [],
    events: [],
    series: [
      {
        plugin: ATTACK,
        version: ATTACK,
        backend: ATTACK,
        points: [
          { at: 1_000, seconds: 1, calls: 4, errors: 0, p99Ms: 2 },
          { at: 2_000, seconds: 1, calls: 8, errors: 2, p99Ms: null },
        ],
      },
    ],
    // Presence entries as readPresence leaves them: strings are still what another node wrote.
    fleet: {
      connected: true,
      nodes: [FLEET_NODE, { ...FLEET_NODE, plugins: [] }],
    },
  });

  it('escapes node, plugin and version strings and renders the rest as numbers', () => {
    const html = renderDashboard(dashboard());
    expect(html).not.toContain('<img');
    expect(html).not.toContain('<script');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(html).toContain('silent 5 s');
    expect(html).toContain('data-total-calls="3">3 calls · 1 errors');
    expect(html).toContain('data-chart="calls/s" data-max="8"');
    expect(html).toContain('data-chart="errors/s" data-max="2"');
    expect(html).toContain('data-chart="p99" data-max="2" data-points="1"');
  });

  it('draws in the page with the very functions the server renders with', () => {
    // What the page script does: rebuild each function from its source, with nothing else in scope.
    const rebuilt = <F>(fn: F): F => new Function(`return ${String(fn)}`)() as F;
    const esc = rebuilt(escapeHtml);
    expect(esc(ATTACK)).toBe(escapeHtml(ATTACK));
    const data = dashboard();
    expect(rebuilt(renderCharts)(data.series, esc)).toBe(renderCharts(data.series, escapeHtml));
    expect(rebuilt(renderFleet)(data.fleet!, data.time, esc)).toBe(
      renderFleet(data.fleet!, data.time, escapeHtml),
    );
    const rate = () => ['1.0', '0.0'] as const;
    const plugins = [PLUGIN];
    expect(rebuilt(renderPlugins)(plugins, esc, rate)).toBe(
      renderPlugins(plugins, escapeHtml, rate),
    );
    const events = [{ type: 'loaded' as const, plugin: ATTACK, time: 0, message: ATTACK }];
    expect(rebuilt(renderEvents)(events, esc)).toBe(renderEvents(events, escapeHtml));
    expect(rebuilt(renderAudit)([AUDIT], esc)).toBe(renderAudit([AUDIT], escapeHtml));
    expect(rebuilt(memoryText)({ budget: 2 ** 20, used: 0 })).toBe('memory 0.0 of 1.0 MiB budget');
    expect(() => new Function(PAGE_SCRIPT)).not.toThrow();
  });

  it('escapes plugin views and audit entries', () => {
    const html = renderDashboard({ ...dashboard(), plugins: [PLUGIN], audit: [AUDIT] });
    expect(html).not.toContain('<img');
    expect(html.split('&lt;img').length).toBeGreaterThan(8);
  });

  it('keeps the fleet, node ids and the audit log out of the redacted view', () => {
    const redacted = redactDashboard({ ...dashboard(), audit: [] });
    expect(redacted.fleet).toBeUndefined();
    expect(redacted.audit).toBeUndefined();
    expect(redacted.series).toHaveLength(1);
  });
});
