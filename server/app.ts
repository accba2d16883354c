import { OpenAPIHono } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { ServerAccess } from './auth/open-access.js';
import type { ServerConfig } from './config/server-config.js';
import { dashboardRoutes } from './dashboard/dashboard-routes.js';
import { errorResponse } from './errors/error-response.js';
import { ServerError } from './errors/server-error.js';
import { adminRoutes } from './http/admin-routes.js';
import { dataRoutes } from './http/data-routes.js';
import { keyRoutes } from './http/key-routes.js';
import { opsRoutes } from './http/ops-routes.js';
import type { ServerEnv } from './http/server-env.js';
import { TRACE_ID_HEADER, traceId, traceOf } from './http/trace-id.js';
import type { Logger } from './observability/logger.js';
import type { ServerMetrics } from './observability/server-metrics.js';
import { serveOpenApi } from './openapi/document.js';
import type { PluginService } from './service/plugin-service.js';

export interface AppOptions {
  readonly service: PluginService;
  readonly metrics: ServerMetrics;
  readonly log: Logger;
  readonly config: AppConfig;
  /** Keys, rate limits and the audit log ({@link openAccess}). */
  readonly access: ServerAccess;
}

/** The settings the HTTP layer reads. */
export type AppConfig = Pick<ServerConfig, 'maxBodyBytes' | 'dashboard'>;

/**
 * Builds the Hono app over a plugin service without opening a port: `app.request(...)` in tests,
 * `@hono/node-server` in {@link startServer}.
 *
 * @example
 * const access = await openAccess(config, log);
 * const app = createApp({ service, metrics, log, config, access });
 * const response = await app.request('/v1/plugins/upper', { method: 'POST', body: 'hi' }); // "HI"
 */
export function createApp(options: AppOptions): OpenAPIHono<ServerEnv> {
  const { service, metrics, log, config, access } = options;
  const app = new OpenAPIHono<ServerEnv>();
  const trace = traceId(log);
  // Every route but the data route, which sets its trace ID itself so that Hono runs it without
  // a middleware chain (data-routes.ts): every method but POST, and POST under the admin API.
  app.on(['GET', 'HEAD', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'], '*', trace);
  app.post('/v1/admin/*', trace);
  // The access log costs a middleware frame per request: only when debug lines are wanted.
  if (log.isLevelEnabled('debug'))
    app.use(async (c, next) => {
      const started = performance.now();
      await next();
      const ms = Math.round((performance.now() - started) * 1000) / 1000;
      const { method, path } = c.req;
      log.debug({ traceId: c.get('requestId'), method, path, status: c.res.status, ms }, 'request');
    });
  const traced = (c: Context<ServerEnv>) => traceOf(c, c.req.header(TRACE_ID_HEADER), log);
  app.onError((error, c) => {
    traced(c);
    return errorResponse(c, error);
  });
  app.notFound((c) => {
    traced(c);
    const error = new ServerError('ROUTE_NOT_FOUND', `no route for ${c.req.method} ${c.req.path}`);
    return errorResponse(c, error);
  });
  app.route('/', opsRoutes(service, metrics));
  app.route('/', dataRoutes(service, access, config.maxBodyBytes, log));
  app.route('/', adminRoutes(service, access, config.maxBodyBytes));
  app.route('/', keyRoutes(access));
  app.route('/', dashboardRoutes(service, metrics, config.dashboard, access));
  // Last: the document describes every route registered above.
  serveOpenApi(app);
  return app;
}
