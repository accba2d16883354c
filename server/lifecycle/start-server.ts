import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import type { PluginLoader } from '../../runtime/index.js';
import { createApp } from '../app.js';
import { auditServerActions } from '../auth/audit-feed.js';
import { openAccess } from '../auth/open-access.js';
import type { ServerConfig } from '../config/server-config.js';
import { SERVER_OPTIONS } from '../http/request-header.js';
import { WorkerGroupRelay } from '../observability/group-worker.js';
import { createLogger, type Logger } from '../observability/logger.js';
import { ServerMetrics } from '../observability/server-metrics.js';
import { PluginService } from '../service/plugin-service.js';
import { isClusterWorker } from './cluster.js';

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host.startsWith('127.');
}

/** A server listening on its port; `close` is the graceful shutdown. */
export interface RunningServer {
  readonly port: number;
  readonly service: PluginService;
  readonly log: Logger;
  /** Stops accepting, lets requests in flight finish (up to shutdownTimeoutMs), then Cleanup and unload every plugin. */
  close(): Promise<void>;
}

export interface StartOptions {
  readonly log?: Logger;
  readonly loadPlugin?: PluginLoader;
  readonly canaryTickMs?: number;
  /** How often the dashboard's per-version charts are sampled (default 5 s). */
  readonly sampleIntervalMs?: number;
}

/** Starts the plugin service and serves the app with @hono/node-server. */
export async function startServer(
  config: ServerConfig,
  options: StartOptions = {},
): Promise<RunningServer> {
  const log = options.log ?? createLogger(config.logLevel);
  const metrics = new ServerMetrics();
  metrics.collectProcessMetrics();
  // A worker of `--workers N` answers /metrics and the charts for the group, through the primary.
  if (isClusterWorker()) metrics.answerForGroup(new WorkerGroupRelay(metrics.registry));
  else metrics.sampleEvery(options.sampleIntervalMs);
  const access = await openAccess(config, log);
  const service = new PluginService({ config, log, metrics, ...options });
  const stopAudit = auditServerActions(service.feed, access.audit);
  const app = createApp({ service, metrics, log, config, access });
  const server = serve({
    fetch: app.fetch,
    port: config.port,
    hostname: config.host,
    serverOptions: SERVER_OPTIONS,
  });
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('listening', resolve);
      server.once('error', reject);
    });
  } catch (error) {
    stopAudit();
    metrics.close();
    await service.close();
    throw error;
  }
  const port = (server.address() as AddressInfo).port;
  log.info(
    {
      port,
      host: config.host,
      plugins: service.pluginsDir,
      admin: config.adminToken !== undefined,
      authRequired: config.auth.required,
      keys: access.keys.list().filter((key) => key.revoked === undefined).length,
    },
    'listening',
  );
  if (!config.auth.required && !isLoopback(config.host))
    log.warn(
      { host: config.host },
      'the data API is open to anyone who can reach this address: set auth.required (TWINPLUG_AUTH_REQUIRED=true) and give callers API keys',
    );
  await service.ready;
  log.info({ plugins: service.list().map((plugin) => `${plugin.name}@${plugin.active}`) }, 'ready');
  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= (async () => {
      log.info('shutting down: no new connections, finishing requests in flight');
      const drained = new Promise<void>((resolve) => server.close(() => resolve()));
      const timer = setTimeout(() => {
        log.warn(
          { timeoutMs: config.shutdownTimeoutMs },
          'shutdown timeout: closing connections still open',
        );
        (server as import('node:http').Server).closeAllConnections();
      }, config.shutdownTimeoutMs);
      await drained;
      clearTimeout(timer);
      stopAudit();
      metrics.close();
      await service.close();
      log.info('stopped: every plugin cleaned up and unloaded');
    })();
    return closing;
  };
  return { port, service, log, close };
}
