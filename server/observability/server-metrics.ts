import { Counter, collectDefaultMetrics, Gauge, Registry } from 'prom-client';
import { BoundCounter, BoundHistogram } from './bound-series.js';
import { readCallTotals } from './call-totals.js';
import type { GroupView } from './group-worker.js';
import { SAMPLE_INTERVAL_MS, VersionSampler, type VersionSeries } from './version-series.js';

const VERSION_LABELS = ['plugin', 'version', 'backend'] as const;

/** One loaded version's memory, labelled as the call metrics are. */
export type MemoryReading = [
  labels: Record<(typeof VERSION_LABELS)[number], string>,
  bytes: number,
];

/**
 * The server's Prometheus metrics, in a registry of its own (never prom-client's global one),
 * so two apps in one process (tests) or cluster workers never collide.
 */
export class ServerMetrics {
  readonly registry = new Registry();
  /** Updated by every call: bound series (see bound-series.ts). */
  readonly calls = new BoundCounter(
    this.registry,
    'twinplug_calls_total',
    'ProcessData calls by plugin, version and backend',
  );
  readonly errors = new Counter({
    name: 'twinplug_call_errors_total',
    help: 'Failed ProcessData calls by plugin, version, backend and error code',
    labelNames: [...VERSION_LABELS, 'code'],
    registers: [this.registry],
  });
  readonly duration = new BoundHistogram(
    this.registry,
    'twinplug_call_duration_seconds',
    'ProcessData latency as the server sees it, by plugin, version and backend',
    [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 5],
  );
  readonly swaps = new Counter({
    name: 'twinplug_swaps_total',
    help: 'Versions activated by a hot swap (not counting first loads)',
    labelNames: ['plugin'],
    registers: [this.registry],
  });
  readonly rollbacks = new Counter({
    name: 'twinplug_rollbacks_total',
    help: 'Rollbacks, by trigger: automatic (canary analysis) or manual (admin API)',
    labelNames: ['plugin', 'trigger'],
    registers: [this.registry],
  });
  readonly loadFailures = new Counter({
    name: 'twinplug_load_failures_total',
    help: 'Candidate versions that failed to load, validate or self-test',
    labelNames: ['plugin', 'stage', 'code'],
    registers: [this.registry],
  });

  readonly collectedObjects = new Counter({
    name: 'twinplug_fleet_objects_collected_total',
    help: 'Fleet mode: Object Store objects no key named that this node deleted',
    registers: [this.registry],
  });
  readonly collectedObjectBytes = new Counter({
    name: 'twinplug_fleet_object_bytes_collected_total',
    help: 'Fleet mode: bytes of the objects this node deleted',
    registers: [this.registry],
  });

  readonly budgetUnloads = new Counter({
    name: 'twinplug_budget_unloads_total',
    help: 'Plugin versions unloaded to keep the plugins under memoryBudget',
    labelNames: ['plugin'],
    registers: [this.registry],
  });
  #readMemory: (() => Iterable<MemoryReading>) | undefined;
  readonly pluginMemory = new Gauge({
    name: 'twinplug_plugin_memory_bytes',
    help: 'Memory a loaded plugin version holds, as the memory budget counts it',
    labelNames: VERSION_LABELS,
    registers: [this.registry],
    collect: () => {
      if (this.#readMemory === undefined) return;
      this.pluginMemory.reset();
      for (const [labels, bytes] of this.#readMemory()) this.pluginMemory.set(labels, bytes);
    },
  });

  /** Reads the plugins' memory at each scrape (loaded versions only). */
  measureMemory(read: () => Iterable<MemoryReading>): void {
    this.#readMemory = read;
  }

  /** Adds Node's process metrics (CPU, memory, event loop); off in tests. */
  collectProcessMetrics(): void {
    collectDefaultMetrics({ register: this.registry });
  }

  #group: GroupView | undefined;
  #sampler: VersionSampler | undefined;

  /** `GET /metrics`: this process's registry, or the whole group's in a cluster worker. */
  text(): Promise<string> {
    return this.#group?.text() ?? this.registry.metrics();
  }

  /** The dashboard's per-version charts: this process's samples, or the group's. */
  async series(): Promise<VersionSeries[]> {
    return this.#group?.series() ?? this.#sampler?.series() ?? [];
  }

  /** Samples calls, errors and latency per version every `intervalMs` (for {@link series}). */
  sampleEvery(intervalMs = SAMPLE_INTERVAL_MS): void {
    this.#sampler ??= new VersionSampler(() => readCallTotals(this.registry)).start(intervalMs);
  }

  /** In a cluster worker: {@link text} and {@link series} answer for the group (`--workers N`). */
  answerForGroup(group: GroupView): void {
    this.#group = group;
  }

  close(): void {
    this.#sampler?.stop();
    this.#group?.close();
  }
}
