import { OpenAPIHono } from '@hono/zod-openapi';
import { type Access, guardCall } from '../auth/guard.js';
import type { Logger } from '../observability/logger.js';
import type { PluginService } from '../service/plugin-service.js';
import { bodyReader } from './body-limit.js';
import { clientSignal } from './client-signal.js';
import { callRoute } from './data-api.js';
import { backendPin, dataTarget } from './plugin-ref.js';
import { requestHeader } from './request-header.js';
import type { ServerEnv } from './server-env.js';
import { traceOf } from './trace-id.js';

/** The data route's path (`/v1/plugins/:ref`, from its definition); app.ts keeps middleware off it. */
export const DATA_PATH = callRoute.getRoutingPath();

/**
 * POST /v1/plugins/:name[@version]: ProcessData on the body, the output bytes back. One handler
 * and no middleware: Hono runs such a route without composing a middleware chain (a promise and
 * a closure per layer, per request), so the trace ID, the key check and the body limit are
 * called here, in the order the middleware ran them: trace ID, key and scope before the body is
 * read, then the body.
 */
export function dataRoutes(
  service: PluginService,
  access: Access,
  maxBodyBytes: number,
  log: Logger,
): OpenAPIHono<ServerEnv> {
  const app = new OpenAPIHono<ServerEnv>();
  // Described in the document, but mounted without @hono/zod-openapi's validators (a middleware
  // each): this is the hot path, and dataTarget and guard check the same parameters as before.
  app.openAPIRegistry.registerPath(callRoute);
  const guard = guardCall(access);
  const readBody = bodyReader(maxBodyBytes);
  app.post(DATA_PATH, async (c) => {
    const traceId = traceOf(c, requestHeader(c, 'x-trace-id'), log);
    const { name, version } = dataTarget(c.req.param('ref'), requestHeader(c, 'x-plugin-version'));
    const checked = guard(c, name, version);
    if (checked !== undefined) await checked;
    const backend = backendPin(requestHeader(c, 'x-plugin-backend'));
    const input = await readBody(c);
    const header = (key: string) => c.req.header(key);
    // The request's signal ends when the client goes: a call still queued is dropped.
    const result = await service.call(name, input, { version, backend, header }, clientSignal(c));
    // Content-Length given here spares @hono/node-server's checks for who sets it.
    const headers: Record<string, string> = {
      'content-type': result.contentType,
      'content-length': String(result.output.byteLength),
      'x-trace-id': traceId,
    };
    const served = result.version;
    if (served?.version !== undefined) headers['x-plugin-version'] = served.version;
    if (served?.backend !== undefined) headers['x-plugin-backend'] = served.backend;
    // A plain header object: @hono/node-server writes it as it is (no Headers object per call).
    return new Response(result.output as Uint8Array<ArrayBuffer>, { status: 200, headers });
  });
  return app;
}
