import { AggregatorRegistry, Counter, Histogram, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { BoundCounter, BoundHistogram } from './bound-series.js';

const BUCKETS = [0.001, 0.01, 0.1, 1];
const LABELS = ['plugin', 'version', 'backend'] as const;
const a = { plugin: 'upper', version: '1.0.0', backend: 'wasm' };
const b = { plugin: 'upper', version: '1.1.0', backend: 'native' };
const OBSERVED: [typeof a, number][] = [
  [a, 0.0005],
  [a, 0.001],
  [a, 0.05],
  [b, 2],
  [a, 0.3],
  [b, 0.01],
];

function promClient(): Registry {
  const registry = new Registry();
  const calls = new Counter({
    name: 'c_total',
    help: 'h',
    labelNames: LABELS,
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'd_seconds',
    help: 'h',
    labelNames: LABELS,
    buckets: BUCKETS,
    registers: [registry],
  });
  for (const [labels, seconds] of OBSERVED) {
    calls.inc(labels);
    duration.observe(labels, seconds);
  }
  return registry;
}

function bound(): Registry {
  const registry = new Registry();
  const calls = new BoundCounter(registry, 'c_total', 'h');
  const duration = new BoundHistogram(registry, 'd_seconds', 'h', BUCKETS);
  for (const [labels, seconds] of OBSERVED) {
    calls.series(labels).value += 1;
    duration.series(labels).observe(seconds);
  }
  return registry;
}

describe('bound series', () => {
  it("expose exactly what prom-client's Counter and Histogram expose for the same calls", async () => {
    expect(await bound().metrics()).toBe(await promClient().metrics());
  });

  it("aggregate over workers as prom-client's own metrics do", async () => {
    const sum = async (make: () => Registry) =>
      AggregatorRegistry.aggregate([
        await make().getMetricsAsJSON(),
        await make().getMetricsAsJSON(),
      ]).metrics();
    expect(await sum(bound)).toBe(await sum(promClient));
  });

  it('hand out one series per label set, and start again after a reset', () => {
    const registry = new Registry();
    const calls = new BoundCounter(registry, 'c_total', 'h');
    calls.series(a).value += 2;
    expect(calls.series({ ...a }).value).toBe(2);
    registry.resetMetrics();
    expect(calls.series(a).value).toBe(0);
  });
});
