import { OpenAPIHono } from '@hono/zod-openapi';
import { ServerError } from '../errors/server-error.js';
import type { ServerMetrics } from '../observability/server-metrics.js';
import type { PluginService } from '../service/plugin-service.js';
import { opsApi } from './ops-api.js';
import type { ServerEnv } from './server-env.js';

/** GET /healthz (the process is up), /readyz (plugins loaded, not shutting down), /metrics (the process group's). */
export function opsRoutes(service: PluginService, metrics: ServerMetrics): OpenAPIHono<ServerEnv> {
  const app = new OpenAPIHono<ServerEnv>();
  app.openapi(opsApi.health, (c) => c.json({ status: 'ok' as const, pid: process.pid }, 200));
  app.openapi(opsApi.ready, (c) => {
    if (!service.isReady)
      throw new ServerError('NOT_READY', 'plugins are loading or the server is shutting down');
    const store = service.storeStatus();
    const plugins = service.list().map((plugin) => plugin.name);
    const status = 'ready' as const;
    return c.json(store === undefined ? { status, plugins } : { status, plugins, store }, 200);
  });
  app.openapi(opsApi.metrics, async (c) =>
    c.text(await metrics.text(), 200, { 'Content-Type': metrics.registry.contentType }),
  );
  return app;
}
