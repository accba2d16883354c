import cluster, { type Worker } from 'node:cluster';
import { serveKeyRelay } from '../auth/key-relay.js';
import type { ServerConfig } from '../config/server-config.js';
import { createLogger } from '../observability/logger.js';

const CONFIG_ENV = 'TWINPLUG_WORKER_CONFIG';
const RESTART_DELAY_MS = 1000;

/** True in a worker forked by {@link runPrimary}; its config comes from the primary. */
export function isClusterWorker(): boolean {
  return cluster.isWorker && process.env[CONFIG_ENV] !== undefined;
}

export function workerConfig(): ServerConfig {
  return JSON.parse(process.env[CONFIG_ENV]!) as ServerConfig;
}

/**
 * The primary of `--workers N`: forks N workers sharing the port (Node's cluster module), each
 * with its own registry watching the same plugins folder; admin changes reach every worker
 * through the folder (uploads) and its routing file (traffic, rollbacks). A worker that dies
 * is replaced. SIGTERM/SIGINT are passed on; the primary exits once every worker has.
 */
export function runPrimary(config: ServerConfig): Promise<number> {
  const log = createLogger(config.logLevel).child({ role: 'primary' });
  const env = { [CONFIG_ENV]: JSON.stringify(config) };
  let stopping = false;
  const fork = (): Worker => cluster.fork(env);
  serveKeyRelay(config.auth.keysFile);
  for (let index = 0; index < config.workers; index += 1) fork();
  cluster.on('exit', (worker, code, signal) => {
    if (stopping) return;
    log.error({ worker: worker.process.pid, code, signal }, 'worker died; starting another');
    setTimeout(() => !stopping && fork(), RESTART_DELAY_MS).unref();
  });
  return new Promise((resolve) => {
    const stop = (signal: NodeJS.Signals) => {
      if (stopping) return;
      stopping = true;
      log.info({ signal, workers: Object.keys(cluster.workers ?? {}).length }, 'stopping workers');
      for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill(signal);
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
    cluster.on('exit', () => {
      if (stopping && Object.keys(cluster.workers ?? {}).length === 0) resolve(0);
    });
  });
}
