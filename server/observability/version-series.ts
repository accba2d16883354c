import type { CallTotals } from './call-totals.js';

/** What one version did during one sampling interval. */
export interface SeriesPoint {
  /** When the interval ended (ms since the epoch). */
  readonly at: number;
  readonly seconds: number;
  readonly calls: number;
  readonly errors: number;
  /** The interval's 99th percentile latency (interpolated in its histogram bucket); null without calls. */
  readonly p99Ms: number | null;
}

/** A version's recent intervals, oldest first: the dashboard's charts. */
export interface VersionSeries {
  readonly plugin: string;
  readonly version: string;
  readonly backend: string;
  readonly points: readonly SeriesPoint[];
}

/** How often the server samples, and how much it keeps (60 points: 5 minutes). */
export const SAMPLE_INTERVAL_MS = 5000;
export const SERIES_WINDOW_MS = 5 * 60_000;

/** Counters restart at zero when a process does: a drop means "counted from zero". */
const since = (now: number, before: number) => (now >= before ? now - before : now);

/** Like Prometheus' histogram_quantile: linear inside the bucket; the last finite bound past it. */
export function quantileMs(
  now: ReadonlyMap<number, number>,
  before: ReadonlyMap<number, number> | undefined,
  q: number,
): number | null {
  const bounds = [...now.keys()].sort((a, b) => a - b);
  const counts = bounds.map((bound) => since(now.get(bound)!, before?.get(bound) ?? 0));
  const total = counts.at(-1) ?? 0;
  if (total === 0) return null;
  const rank = q * total;
  let lower = 0;
  let below = 0;
  for (const [index, bound] of bounds.entries()) {
    const count = counts[index]!;
    if (count >= rank) {
      if (bound === Number.POSITIVE_INFINITY) return lower * 1000;
      const inside = count - below;
      return (lower + (bound - lower) * (inside === 0 ? 1 : (rank - below) / inside)) * 1000;
    }
    lower = bound;
    below = count;
  }
  return lower * 1000;
}

interface Reading {
  readonly at: number;
  readonly totals: ReadonlyMap<string, CallTotals>;
}

/**
 * The one owner of the per-version samples: every interval it reads the counters (this
 * process's registry, or the primary's aggregate of every worker's) and keeps the difference
 * from the previous reading, per version, for {@link SERIES_WINDOW_MS}.
 */
export class VersionSampler {
  readonly #read: () => Promise<ReadonlyMap<string, CallTotals>>;
  readonly #windowMs: number;
  readonly #rings = new Map<string, { totals: CallTotals; points: SeriesPoint[] }>();
  #last: Reading | undefined;
  #timer: NodeJS.Timeout | undefined;
  #busy = false;

  constructor(read: () => Promise<ReadonlyMap<string, CallTotals>>, windowMs = SERIES_WINDOW_MS) {
    this.#read = read;
    this.#windowMs = windowMs;
  }

  /** Samples every `intervalMs` until {@link stop}; never keeps the process alive. */
  start(intervalMs = SAMPLE_INTERVAL_MS): this {
    this.#timer ??= setInterval(() => void this.sample().catch(() => {}), intervalMs);
    this.#timer.unref();
    void this.sample().catch(() => {});
    return this;
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  /** Reads the counters once and appends a point per version (the first reading is the baseline). */
  async sample(at = Date.now()): Promise<void> {
    if (this.#busy) return;
    this.#busy = true;
    try {
      const totals = await this.#read();
      const last = this.#last;
      this.#last = { at, totals };
      if (last !== undefined) this.#append(last, { at, totals });
      this.#forgetOld(at);
    } finally {
      this.#busy = false;
    }
  }

  #append(last: Reading, now: Reading): void {
    const seconds = (now.at - last.at) / 1000;
    for (const [key, totals] of now.totals) {
      const before = last.totals.get(key);
      const point: SeriesPoint = {
        at: now.at,
        seconds,
        calls: since(totals.calls, before?.calls ?? 0),
        errors: since(totals.errors, before?.errors ?? 0),
        p99Ms: quantileMs(totals.buckets, before?.buckets, 0.99),
      };
      const ring = this.#rings.get(key);
      if (ring === undefined) this.#rings.set(key, { totals, points: [point] });
      else ring.points.push(point);
    }
  }

  #forgetOld(at: number): void {
    for (const [key, ring] of this.#rings) {
      while (ring.points.length > 0 && ring.points[0]!.at <= at - this.#windowMs)
        ring.points.shift();
      if (ring.points.length === 0) this.#rings.delete(key);
    }
  }

  /** Every version sampled in the window, by plugin then version. */
  series(): VersionSeries[] {
    return [...this.#rings.values()]
      .map(({ totals: { plugin, version, backend }, points }) => ({
        plugin,
        version,
        backend,
        points: [...points],
      }))
      .sort((a, b) => a.plugin.localeCompare(b.plugin) || a.version.localeCompare(b.version));
  }
}
