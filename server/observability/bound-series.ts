import type { Metric, Registry } from 'prom-client';

type Labels = Readonly<Record<string, string>>;

interface Value {
  readonly labels: Record<string, string | number>;
  readonly value: number;
  readonly metricName?: string;
}

/**
 * A counter or histogram whose labelled series are bound once (per plugin version) and then
 * updated by plain additions, for the metrics every call updates. prom-client's
 * `labels(...).inc()` and `.observe()` check and hash the labels on every call, about a
 * microsecond of a 30 µs request in the server profile (docs/benchmarks.md). prom-client still
 * owns the registry: it reads these through the same `get()` its own metrics answer (names,
 * `_bucket`/`_sum`/`_count` samples, `le` labels, the `sum` aggregator for `--workers N`).
 */
abstract class BoundMetric<S extends { readonly labels: Labels }> {
  readonly name: string;
  readonly help: string;
  readonly aggregator = 'sum';
  abstract readonly type: 'counter' | 'histogram';
  protected readonly all = new Map<string, S>();

  constructor(registry: Registry, name: string, help: string) {
    this.name = name;
    this.help = help;
    // prom-client's Registry reads a metric through name, help, type, aggregator and get() only.
    registry.registerMetric(this as unknown as Metric);
  }

  /** The series for these labels, made on first use: keep it, and update it directly. */
  series(labels: Labels): S {
    const key = JSON.stringify(labels);
    let found = this.all.get(key);
    if (found === undefined) {
      found = this.fresh({ ...labels });
      this.all.set(key, found);
    }
    return found;
  }

  protected abstract fresh(labels: Labels): S;
  protected abstract values(series: S): Value[];

  async get() {
    const values = [...this.all.values()].flatMap((series) => this.values(series));
    const { name, help, type, aggregator } = this;
    return { name, help, type, aggregator, values };
  }

  reset(): void {
    this.all.clear();
  }
}

export interface CounterSeries {
  readonly labels: Labels;
  value: number;
}

export class BoundCounter extends BoundMetric<CounterSeries> {
  readonly type = 'counter';

  protected fresh(labels: Labels): CounterSeries {
    return { labels, value: 0 };
  }

  protected values({ labels, value }: CounterSeries): Value[] {
    return [{ labels: { ...labels }, value }];
  }
}

export class HistogramSeries {
  readonly labels: Labels;
  readonly #bounds: readonly number[];
  /** Per bucket, not cumulative; the last one is +Inf. */
  readonly counts: number[];
  sum = 0;
  count = 0;

  constructor(labels: Labels, bounds: readonly number[]) {
    this.labels = labels;
    this.#bounds = bounds;
    this.counts = new Array<number>(bounds.length + 1).fill(0);
  }

  observe(value: number): void {
    let index = 0;
    while (index < this.#bounds.length && value > this.#bounds[index]!) index += 1;
    this.counts[index]! += 1;
    this.sum += value;
    this.count += 1;
  }
}

export class BoundHistogram extends BoundMetric<HistogramSeries> {
  readonly type = 'histogram';
  readonly #bounds: readonly number[];

  constructor(registry: Registry, name: string, help: string, buckets: readonly number[]) {
    super(registry, name, help);
    this.#bounds = [...buckets].sort((a, b) => a - b);
  }

  protected fresh(labels: Labels): HistogramSeries {
    return new HistogramSeries(labels, this.#bounds);
  }

  protected values(series: HistogramSeries): Value[] {
    const { labels, counts } = series;
    let below = 0;
    const bucket = (le: number | string, index: number): Value => {
      below += counts[index]!;
      return { labels: { le, ...labels }, value: below, metricName: `${this.name}_bucket` };
    };
    return [
      ...this.#bounds.map((bound, index) => bucket(bound, index)),
      bucket('+Inf', this.#bounds.length),
      { labels: { ...labels }, value: series.sum, metricName: `${this.name}_sum` },
      { labels: { ...labels }, value: series.count, metricName: `${this.name}_count` },
    ];
  }
}
