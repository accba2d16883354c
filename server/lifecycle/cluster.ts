import cluster, { type Worker } from 'node:cluster';
import { serveKeyRelay } from '../auth/key-relay.js';
import type { ServerConfig } from '../config/server-config.js';
import { GroupMetrics } from '../observability/group-primary.js';
import { createLogger } from '../observability/logger.js';

const CONFIG_ENV = 'TWINPLUG_WORKER_CONFIG';
const RESTART_DELAY_MS = 1000;

/**
 * The config the primary passed, taken out of the environment at first sight: it holds the
 * admin token, and an in-process plugin could read the environment (children and workers get
 * an allow-list anyway, runtime/isolation/plugin-env.ts).
 */
let passedConfig: string | undefined;
function takeConfig(): string | undefined {
  if (passedConfig === undefined && process.env[CONFIG_ENV] !== undefined) {
    passedConfig = process.env[CONFIG_ENV];
    delete process.env[CONFIG_ENV];
  }
  return passedConfig;
}

/** True in a worker forked by {@link runPrimary}; its config comes from the primary. */
export function isClusterWorker(): boolean {
  return cluster.isWorker && takeConfig() !== undefined;
}

export function workerConfig(): ServerConfig {
  return JSON.parse(takeConfig()!) as ServerConfig;
}

/**
 * The primary of `--workers N`: forks N workers sharing the port (Node's cluster module), each
 * with its own registry watching the same plugins folder; admin changes reach every worker
 * through the folder (uploads) and its routing file (traffic, rollbacks). The primary answers
 * for the group's metrics (observability/group-primary.ts). A worker that dies is replaced. SIGTERM/SIGINT are passed on; the primary exits once every worker has.
 */
export function runPrimary(config: ServerConfig): Promise<number> {
  const log = createLogger(config.logLevel).child({ role: 'primary' });
  const env = { [CONFIG_ENV]: JSON.stringify(config) };
  let stopping = false;
  const fork = (): Worker => cluster.fork(env);
  serveKeyRelay(config.auth.keysFile);
  const metrics = new GroupMetrics();
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
      if (!stopping || Object.keys(cluster.workers ?? {}).length > 0) return;
      metrics.stop();
      resolve(0);
    });
  });
}
