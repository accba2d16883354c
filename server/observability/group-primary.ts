import cluster, { type Worker } from 'node:cluster';
import { AggregatorRegistry, type Registry } from 'prom-client';
import { ServerError } from '../errors/server-error.js';
import { CALL_METRICS, readCallTotals } from './call-totals.js';
import {
  GROUP_TIMEOUT_MS,
  type GroupMessage,
  isGroupMessage,
  type RegistryJson,
} from './group-messages.js';
import { SAMPLE_INTERVAL_MS, VersionSampler } from './version-series.js';

function send(worker: Worker, message: GroupMessage): boolean {
  if (!worker.isConnected()) return false;
  worker.send(message, () => {});
  return true;
}

type Part = (metrics: RegistryJson | undefined) => void;

/**
 * In the primary of `--workers N`: `/metrics` and the dashboard's charts for the whole group.
 * Each worker says when it is ready; a scrape collects every ready worker's registry and sums
 * it with prom-client's `AggregatorRegistry.aggregate` (counters and histogram buckets added,
 * Node's process metrics by their own aggregators). `clusterMetrics()` was not used: it asks
 * every connected worker, including one still starting that cannot answer yet (the scrape then
 * fails after 5 s), and only the primary may call it, while here a worker asks. The per-version
 * charts are sampled here, once for the group.
 */
export class GroupMetrics {
  readonly #ready = new Map<number, Worker>();
  /** Parts awaited, by scrape and worker. */
  readonly #parts = new Map<number, Map<number, Part>>();
  readonly #sampler = new VersionSampler(async () =>
    readCallTotals(await this.gather(CALL_METRICS)),
  );
  #seq = 0;

  readonly #onMessage = (worker: Worker, message: unknown) => {
    if (!isGroupMessage(message)) return;
    if (message.twinplug === 'metrics-ready') this.#ready.set(worker.id, worker);
    if (message.twinplug === 'metrics-part')
      this.#parts.get(message.seq)?.get(worker.id)?.(message.metrics);
    if (message.twinplug === 'metrics-ask') void this.#answer(worker, message.seq, message.what);
  };

  readonly #onExit = (worker: Worker) => {
    this.#ready.delete(worker.id);
    // Its counts went with it: the scrapes waiting for it sum the others.
    for (const parts of this.#parts.values()) parts.get(worker.id)?.(undefined);
  };

  constructor(intervalMs = SAMPLE_INTERVAL_MS) {
    cluster.on('message', this.#onMessage);
    cluster.on('exit', this.#onExit);
    this.#sampler.start(intervalMs);
  }

  /** Every ready worker's registry, summed. A live worker that does not answer fails it. */
  async gather(names?: readonly string[]): Promise<Registry> {
    const seq = ++this.#seq;
    const parts = new Map<number, Part>();
    this.#parts.set(seq, parts);
    try {
      const workers = [...this.#ready.values()];
      const got = await Promise.all(workers.map((worker) => this.#part(parts, worker, seq, names)));
      return AggregatorRegistry.aggregate(got.filter((part) => part !== undefined));
    } finally {
      this.#parts.delete(seq);
    }
  }

  #part(parts: Map<number, Part>, worker: Worker, seq: number, names?: readonly string[]) {
    return new Promise<RegistryJson | undefined>((resolve, reject) => {
      // A partial sum would read as a counter reset: better no answer than a wrong one.
      const timer = setTimeout(() => {
        const message = `worker ${worker.process.pid} sent no metrics in ${GROUP_TIMEOUT_MS} ms`;
        reject(new ServerError('METRICS_UNAVAILABLE', message));
      }, GROUP_TIMEOUT_MS);
      parts.set(worker.id, (metrics) => {
        clearTimeout(timer);
        parts.delete(worker.id);
        resolve(metrics);
      });
      if (!send(worker, { twinplug: 'metrics-collect', seq, names }))
        parts.get(worker.id)?.(undefined);
    });
  }

  async #answer(worker: Worker, seq: number, what: 'text' | 'series'): Promise<void> {
    const reply = { twinplug: 'metrics-answer', seq } as const;
    try {
      const answer =
        what === 'text'
          ? { text: await (await this.gather()).metrics() }
          : { series: this.#sampler.series() };
      send(worker, { ...reply, ...answer });
    } catch (error) {
      const message = error instanceof ServerError ? error.message : String(error);
      send(worker, { ...reply, error: { code: 'METRICS_UNAVAILABLE', message } });
    }
  }

  stop(): void {
    this.#sampler.stop();
    cluster.off('message', this.#onMessage);
    cluster.off('exit', this.#onExit);
  }
}
