import { describe, expect, it } from 'vitest';
import { renderCharts } from './charts.js';
import { escapeHtml } from './escape.js';
import { fleetRows, renderFleet } from './fleet-view.js';
import { PAGE_SCRIPT } from './page-script.js';
import { redactDashboard } from './redact.js';
import { renderDashboard } from './render.js';

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
    // What another node (or anyone who can write the bucket) put in its presence entry.
    fleet: {
      connected: true,
      nodes: fleetRows([FLEET_NODE, { ...FLEET_NODE, plugins: 'not a list' } as never]),
    },
  });

  it('escapes node, plugin and version strings and renders the rest as numbers', () => {
    const html = renderDashboard(dashboard());
    expect(html).not.toContain('<img');
    expect(html).not.toContain('<script');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(html).toContain('silent 5 s');
    expect(html).toContain('data-chart="calls/s" data-max="8"');
    expect(html).toContain('data-chart="errors/s" data-max="2"');
    expect(html).toContain('data-chart="p99" data-max="2" data-points="1"');
  });

  it('draws in the page with the very functions the server renders with', () => {
    const esc = (value: unknown) => escapeHtml(value);
    // What the page script does: rebuild each function from its source, with nothing else in scope.
    const charts = new Function(`return ${String(renderCharts)}`)() as typeof renderCharts;
    const fleet = new Function(`return ${String(renderFleet)}`)() as typeof renderFleet;
    const data = dashboard();
    expect(charts(data.series, esc)).toBe(renderCharts(data.series, escapeHtml));
    expect(fleet(data.fleet!, data.time, esc)).toBe(
      renderFleet(data.fleet!, data.time, escapeHtml),
    );
    expect(() => new Function(PAGE_SCRIPT)).not.toThrow();
  });

  it('keeps the fleet, node ids and the audit log out of the redacted view', () => {
    const redacted = redactDashboard({ ...dashboard(), audit: [] });
    expect(redacted.fleet).toBeUndefined();
    expect(redacted.audit).toBeUndefined();
    expect(redacted.series).toHaveLength(1);
  });
});
