import { Hono } from 'hono';
import { ServerError } from '../errors/server-error.js';
import type { ServerMetrics } from '../observability/server-metrics.js';
import type { PluginService } from '../service/plugin-service.js';
import type { ServerEnv } from './server-env.js';

/** GET /healthz (the process is up), /readyz (plugins loaded, not shutting down), /metrics (the process group's). */
export function opsRoutes(service: PluginService, metrics: ServerMetrics): Hono<ServerEnv> {
  const app = new Hono<ServerEnv>();
  app.get('/healthz', (c) => c.json({ status: 'ok', pid: process.pid }));
  app.get('/readyz', (c) => {
    if (!service.isReady)
      throw new ServerError('NOT_READY', 'plugins are loading or the server is shutting down');
    const store = service.storeStatus();
    const plugins = service.list().map((plugin) => plugin.name);
    return c.json({ status: 'ready', plugins, ...(store === undefined ? {} : { store }) });
  });
  app.get('/metrics', async (c) => {
    c.header('Content-Type', metrics.registry.contentType);
    return c.body(await metrics.text());
  });
  return app;
}
