import { OpenAPIHono } from '@hono/zod-openapi';
import { type Access, guardCall } from '../auth/guard.js';
import type { PluginService } from '../service/plugin-service.js';
import { limitBody } from './body-limit.js';
import { callRoute } from './data-api.js';
import { dataTarget } from './plugin-ref.js';
import type { ServerEnv } from './server-env.js';

/** POST /v1/plugins/:name[@version]: ProcessData on the body, the output bytes back. */
export function dataRoutes(
  service: PluginService,
  access: Access,
  maxBodyBytes: number,
): OpenAPIHono<ServerEnv> {
  const app = new OpenAPIHono<ServerEnv>();
  // Described in the document, but mounted without @hono/zod-openapi's validators: this is the
  // hot path, and dataTarget checks the same parameters with the codes clients know.
  app.openAPIRegistry.registerPath(callRoute);
  const path = callRoute.getRoutingPath();
  app.on(callRoute.method, path, guardCall(access), limitBody(maxBodyBytes), async (c) => {
    const { name, version, backend } = dataTarget(
      c.req.param('ref'),
      c.req.header('x-plugin-version'),
      c.req.header('x-plugin-backend'),
    );
    const input = new Uint8Array(await c.req.arrayBuffer());
    const header = (key: string) => c.req.header(key);
    // The request's signal ends when the client goes: a call still queued is dropped.
    const result = await service.call(name, input, { version, backend, header }, c.req.raw.signal);
    const headers: Record<string, string> = {
      'content-type': service.contentType(name),
      'x-trace-id': c.get('requestId'),
    };
    const served = result.version;
    if (served?.version !== undefined) headers['x-plugin-version'] = served.version;
    if (served?.backend !== undefined) headers['x-plugin-backend'] = served.backend;
    c.set('traceHeaderSent', true);
    // A plain header object: @hono/node-server writes it as it is (no Headers object per call).
    return new Response(result.output as Uint8Array<ArrayBuffer>, { status: 200, headers });
  });
  return app;
}
