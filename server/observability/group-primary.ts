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

function send(worker: Worker, message: GroupMessage): void {
  if (worker.isConnected()) worker.send(message, () => {});
}

/** One worker's registry; undefined if it exits first (its counts went with it). */
function collectFrom(
  worker: Worker,
  seq: number,
  names: readonly string[] | undefined,
): Promise<RegistryJson | undefined> {
  return new Promise((resolve, reject) => {
    const finish = (metrics: RegistryJson | undefined, error?: ServerError) => {
      clearTimeout(timer);
      worker.off('message', onMessage);
      worker.off('exit', onExit);
      if (error === undefined) resolve(metrics);
      else reject(error);
    };
    const onMessage = (message: unknown) => {
      if (isGroupMessage(message) && message.twinplug === 'metrics-part' && message.seq === seq)
        finish(message.metrics);
    };
    const onExit = () => finish(undefined);
    // A partial sum would read as a counter reset: better no answer than a wrong one.
    const timer = setTimeout(() => {
      const pid = worker.process.pid;
      const message = `worker ${pid} sent no metrics in ${GROUP_TIMEOUT_MS} ms`;
      finish(undefined, new ServerError('METRICS_UNAVAILABLE', message));
    }, GROUP_TIMEOUT_MS);
    worker.on('message', onMessage);
    worker.once('exit', onExit);
    if (worker.isConnected()) worker.send({ twinplug: 'metrics-collect', seq, names }, () => {});
    else finish(undefined);
  });
}

/**
 * In the primary of `--workers N`: `/metrics` and the dashboard's charts for the whole group.
 * Each worker says when it is ready; a scrape collects every ready worker's registry and sums
 * it with prom-client's `AggregatorRegistry.aggregate` (counters and histogram buckets added,
 * Node's process metrics by their own aggregators). `clusterMetrics()` was not used: it asks
 * every connected worker, including one still starting that cannot answer yet (the scrape then
 * fails after 5 s), and only the primary may call it, while here a worker asks. The per-version
 * charts are sampled here, once for the group.
 */
export function serveGroupMetrics(intervalMs = SAMPLE_INTERVAL_MS): { stop(): void } {
  const ready = new Map<number, Worker>();
  let seq = 0;
  const gather = async (names?: readonly string[]): Promise<Registry> => {
    const id = ++seq;
    const workers = [...ready.values()];
    const parts = await Promise.all(workers.map((worker) => collectFrom(worker, id, names)));
    return AggregatorRegistry.aggregate(parts.filter((part) => part !== undefined));
  };
  const sampler = new VersionSampler(async () => readCallTotals(await gather(CALL_METRICS)));
  const answer = async (what: 'text' | 'series') =>
    what === 'text' ? { text: await (await gather()).metrics() } : { series: sampler.series() };
  const onMessage = (worker: Worker, message: unknown) => {
    if (!isGroupMessage(message)) return;
    if (message.twinplug === 'metrics-ready') ready.set(worker.id, worker);
    if (message.twinplug !== 'metrics-ask') return;
    const reply = { twinplug: 'metrics-answer', seq: message.seq } as const;
    answer(message.what).then(
      (value) => send(worker, { ...reply, ...value }),
      (error: unknown) => {
        const message = error instanceof ServerError ? error.message : String(error);
        send(worker, { ...reply, error: { code: 'METRICS_UNAVAILABLE', message } });
      },
    );
  };
  const onExit = (worker: Worker) => ready.delete(worker.id);
  cluster.on('message', onMessage);
  cluster.on('exit', onExit);
  sampler.start(intervalMs);
  return {
    stop() {
      sampler.stop();
      cluster.off('message', onMessage);
      cluster.off('exit', onExit);
    },
  };
}
