import { describe, expect, it } from 'vitest';
import { readCallTotals } from './call-totals.js';
import { ServerMetrics } from './server-metrics.js';
import { quantileMs, VersionSampler } from './version-series.js';

const UPPER = { plugin: 'upper', version: '1.0.0', backend: 'wasm' };
const EVIL = { plugin: '__proto__', version: '<img src=x>', backend: 'native' };

function call(metrics: ServerMetrics, labels: typeof UPPER, seconds: number, code?: string) {
  metrics.calls.series(labels).value += 1;
  metrics.duration.series(labels).observe(seconds);
  if (code !== undefined) metrics.errors.inc({ ...labels, code });
}

describe('per-version samples', () => {
  it('keeps each interval’s calls, errors and p99 per version, from the real registry', async () => {
    const metrics = new ServerMetrics();
    const sampler = new VersionSampler(() => readCallTotals(metrics.registry), 60_000);
    call(metrics, UPPER, 0.002);
    await sampler.sample(1_000);
    expect(sampler.series()).toEqual([]); // the first reading is the baseline
    for (let i = 0; i < 99; i += 1) call(metrics, UPPER, 0.0002);
    call(metrics, UPPER, 0.3, 'PLUGIN_TRAPPED');
    call(metrics, EVIL, 0.00005);
    await sampler.sample(3_000);
    await sampler.sample(5_000);
    const upper = sampler.series().find((s) => s.plugin === 'upper');
    const evil = sampler.series().find((s) => s.plugin === '__proto__');
    expect(evil).toMatchObject({ ...EVIL, points: [{ at: 3_000, calls: 1, errors: 0 }, {}] });
    expect(upper!.points).toHaveLength(2);
    const [busy, idle] = upper!.points;
    expect(busy).toMatchObject({ at: 3_000, seconds: 2, calls: 100, errors: 1 });
    // 99 calls at or under 0.25 ms, one in (0.25 s, 1 s]: the 99th is the last of the 0.25 ms bucket.
    expect(busy!.p99Ms).toBeCloseTo(0.25, 6);
    expect(idle).toEqual({ at: 5_000, seconds: 2, calls: 0, errors: 0, p99Ms: null });
    await sampler.sample(66_000);
    expect(sampler.series().map((s) => s.points.map((p) => p.at))).toEqual([[66_000], [66_000]]);
  });

  it('reads a counter that went down (a restarted worker) as counted from zero', async () => {
    let calls = 10;
    const buckets = () => new Map([[Number.POSITIVE_INFINITY, calls]]);
    const sampler = new VersionSampler(
      async () => new Map([['k', { ...UPPER, calls, errors: 0, buckets: buckets() }]]),
    );
    await sampler.sample(0);
    calls = 3;
    await sampler.sample(1_000);
    expect(sampler.series()[0]!.points[0]).toMatchObject({ calls: 3 });
  });

  it('interpolates the quantile inside its bucket, as histogram_quantile does', () => {
    const now = new Map([
      [0.001, 50],
      [0.002, 100],
      [Number.POSITIVE_INFINITY, 100],
    ]);
    expect(quantileMs(now, undefined, 0.5)).toBeCloseTo(1, 9);
    expect(quantileMs(now, undefined, 0.99)).toBeCloseTo(1.98, 9);
    const before = new Map([
      [0.001, 40],
      [0.002, 50],
      [Number.POSITIVE_INFINITY, 50],
    ]);
    // Since `before`: 10 calls under 1 ms, 40 in (1 ms, 2 ms]; the 49.5th is 39.5/40 of the way.
    expect(quantileMs(now, before, 0.99)).toBeCloseTo(1.9875, 9);
    expect(quantileMs(new Map([[Number.POSITIVE_INFINITY, 0]]), undefined, 0.99)).toBeNull();
    expect(
      quantileMs(
        new Map([
          [0.5, 0],
          [Number.POSITIVE_INFINITY, 4],
        ]),
        undefined,
        0.99,
      ),
    ).toBe(500);
  });
});
