import type { ServedVersion } from '../../runtime/index.js';
import type { CounterSeries, HistogramSeries } from '../observability/bound-series.js';
import type { ServerMetrics } from '../observability/server-metrics.js';

/** Calls and failures one version has had in this process. */
export interface VersionCounts {
  calls: number;
  errors: number;
  faults: number;
}

interface Series {
  readonly calls: CounterSeries;
  readonly duration: HistogramSeries;
  readonly counts: VersionCounts;
}

/** Per-version counts and labelled metric series of one plugin, found once per version. */
export class CallStats {
  readonly #name: string;
  readonly #metrics: ServerMetrics;
  readonly #series = new Map<number, Series>();

  constructor(name: string, metrics: ServerMetrics) {
    this.#name = name;
    this.#metrics = metrics;
  }

  counts(id: number): VersionCounts {
    return this.#series.get(id)?.counts ?? { calls: 0, errors: 0, faults: 0 };
  }

  record(
    version: ServedVersion,
    seconds: number,
    code: string | undefined,
    failed: boolean,
    fault: boolean,
  ): void {
    let series = this.#series.get(version.id);
    if (series === undefined) {
      const labels = this.#labels(version);
      series = {
        calls: this.#metrics.calls.series(labels),
        duration: this.#metrics.duration.series(labels),
        counts: { calls: 0, errors: 0, faults: 0 },
      };
      this.#series.set(version.id, series);
    }
    series.counts.calls += 1;
    series.calls.value += 1;
    series.duration.observe(seconds);
    if (!failed) return;
    series.counts.errors += 1;
    if (fault) series.counts.faults += 1;
    this.#metrics.errors.inc({ ...this.#labels(version), code: code ?? 'INTERNAL_ERROR' });
  }

  #labels(version: ServedVersion) {
    return { plugin: this.#name, version: version.version ?? '', backend: version.backend ?? '' };
  }
}
