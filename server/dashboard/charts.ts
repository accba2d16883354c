import type { VersionSeries } from '../observability/version-series.js';

/**
 * Small inline SVG charts per version: calls/s, errors/s and p99 latency over the sampled
 * window. Self-contained (it uses only its arguments and the language's globals) because the
 * page script embeds this very function's source (`String(renderCharts)`) to redraw in the
 * browser: one definition for the server's first render and the browser's updates.
 */
export function renderCharts(
  series: readonly VersionSeries[],
  esc: (value: unknown) => string,
): string {
  if (series.length === 0) return '<p>No calls sampled yet.</p>';
  const width = 160;
  const height = 36;
  const times = series.flatMap((s) =>
    (Array.isArray(s.points) ? s.points : []).map((p) => Number(p.at)),
  );
  // One time axis for every chart, so that the versions' lines line up.
  const first = Math.min(...times);
  const span = Math.max(...times) - first;
  const rows = series.map((s) => {
    const points = Array.isArray(s.points) ? s.points : [];
    const chart = (kind: string, unit: string, value: (p: (typeof points)[number]) => number) => {
      const values = points.map((p) => ({
        x: 3 + (span > 0 ? (Number(p.at) - first) / span : 1) * (width - 6),
        y: value(p),
      }));
      const shown = values.filter((v) => Number.isFinite(v.y));
      const max = Math.max(0, ...shown.map((v) => v.y));
      const xy = shown.map((v) => [
        v.x.toFixed(1),
        (height - 2 - (max > 0 ? v.y / max : 0) * (height - 4)).toFixed(1),
      ]);
      const line = xy.map(([x, y]) => `${x},${y}`).join(' ');
      const end = xy.at(-1);
      const dot = end ? `<circle cx="${end[0]}" cy="${end[1]}" r="2" fill="currentColor"/>` : '';
      const label = `${max < 10 ? max.toFixed(2) : max.toFixed(0)} ${unit}`;
      return `<figure class="chart" data-chart="${kind}" data-max="${max}" data-points="${shown.length}"><svg viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="${kind}"><polyline fill="none" stroke="currentColor" stroke-width="1.5" points="${line}"/>${dot}</svg><figcaption>${kind} · max ${label}</figcaption></figure>`;
    };
    const perSecond = (count: number, seconds: number) =>
      Number(seconds) > 0 ? Number(count) / Number(seconds) : 0;
    return `<div class="charts" data-plugin="${esc(s.plugin)}" data-version="${esc(s.version)}"><h3>${esc(s.plugin)} <small>${esc(s.version)} (${esc(s.backend)})</small></h3>${chart('calls/s', '/s', (p) => perSecond(p.calls, p.seconds))}${chart('errors/s', '/s', (p) => perSecond(p.errors, p.seconds))}${chart('p99', 'ms', (p) => (p.p99Ms === null ? Number.NaN : Number(p.p99Ms)))}</div>`;
  });
  return rows.join('');
}
