import type { Registry } from 'prom-client';

/** The metrics the per-version charts are computed from (server-metrics.ts defines them). */
export const CALL_METRICS = [
  'twinplug_calls_total',
  'twinplug_call_errors_total',
  'twinplug_call_duration_seconds',
] as const;

/** One version's counters since its process started (summed over workers for a group). */
export interface CallTotals {
  readonly plugin: string;
  readonly version: string;
  readonly backend: string;
  calls: number;
  errors: number;
  /** Cumulative latency histogram: upper bound in seconds (`Infinity` last) → calls at or under it. */
  readonly buckets: Map<number, number>;
}

interface Sample {
  readonly value: number;
  readonly labels: Partial<Record<string, string | number>>;
  readonly metricName?: string;
}

async function samples(registry: Registry, name: string): Promise<readonly Sample[]> {
  const metric = registry.getSingleMetric(name);
  return metric === undefined ? [] : ((await metric.get()).values as Sample[]);
}

/** The versions' totals in `registry`, keyed by plugin, version and backend. */
export async function readCallTotals(registry: Registry): Promise<Map<string, CallTotals>> {
  const [calls, errors, duration] = await Promise.all(
    CALL_METRICS.map((name) => samples(registry, name)),
  );
  const totals = new Map<string, CallTotals>();
  const entry = (labels: Sample['labels']): CallTotals => {
    const plugin = String(labels.plugin ?? '');
    const version = String(labels.version ?? '');
    const backend = String(labels.backend ?? '');
    const key = JSON.stringify([plugin, version, backend]);
    let found = totals.get(key);
    if (found === undefined) {
      found = { plugin, version, backend, calls: 0, errors: 0, buckets: new Map() };
      totals.set(key, found);
    }
    return found;
  };
  for (const sample of calls!) entry(sample.labels).calls += sample.value;
  for (const sample of errors!) entry(sample.labels).errors += sample.value;
  for (const sample of duration!) {
    if (!sample.metricName?.endsWith('_bucket')) continue;
    const le = sample.labels.le;
    const bound = le === '+Inf' ? Number.POSITIVE_INFINITY : Number(le);
    const buckets = entry(sample.labels).buckets;
    buckets.set(bound, (buckets.get(bound) ?? 0) + sample.value);
  }
  return totals;
}
