import { Hono } from 'hono';
import type { Authenticator } from '../auth/authenticator.js';
import { ServerError } from '../errors/server-error.js';
import { parseTraffic } from '../routing/traffic.js';
import type { PluginService } from '../service/plugin-service.js';
import { adminAuth } from './admin-auth.js';
import { limitBody } from './body-limit.js';
import { pluginName } from './plugin-ref.js';
import type { ServerEnv } from './server-env.js';

/**
 * Every admin route but an upload takes at most a small JSON document (a traffic policy of 64
 * rules of 1 KiB values is about 70 KiB): larger bodies get 413 before they are read.
 */
export const ADMIN_JSON_MAX_BYTES = 256 * 1024;

async function jsonBody(request: Request): Promise<unknown> {
  try {
    return await request.json();
  } catch {
    throw new ServerError('BAD_REQUEST', 'the body must be JSON');
  }
}

function sha256Header(value: string | undefined): string {
  if (value === undefined || !/^[0-9a-fA-F]{64}$/.test(value))
    throw new ServerError('SHA256_REQUIRED', 'send the artifact sha256 as X-Sha256: 64 hex digits');
  return value.toLowerCase();
}

/** /v1/admin/...: inspect, upload, activate, split traffic, roll back, remove. Bearer token. */
export function adminRoutes(
  service: PluginService,
  auth: Authenticator,
  maxBodyBytes: number,
): Hono<ServerEnv> {
  const app = new Hono<ServerEnv>();
  const small = limitBody(ADMIN_JSON_MAX_BYTES);
  app.use('/v1/admin/*', adminAuth(auth));
  app.get('/v1/admin/plugins', (c) => c.json({ plugins: service.list() }));
  app.get('/v1/admin/events', (c) => c.json({ events: service.feed.latest(100) }));
  app.get('/v1/admin/plugins/:name', (c) => {
    const view = service.describe(pluginName(c.req.param('name')));
    if (view === undefined) throw new ServerError('ROUTE_NOT_FOUND', 'no such plugin');
    return c.json(view);
  });
  app.post('/v1/admin/plugins/:name/versions', limitBody(maxBodyBytes), async (c) => {
    const name = pluginName(c.req.param('name'));
    const backend = c.req.query('backend') ?? 'wasm';
    if (backend !== 'wasm' && backend !== 'native')
      throw new ServerError('BAD_REQUEST', '?backend must be wasm or native');
    const sha256 = sha256Header(c.req.header('x-sha256'));
    const bytes = new Uint8Array(await c.req.arrayBuffer());
    const result = await service.upload({ name, backend, bytes, sha256 });
    return c.json(result, result.outcome === 'unchanged' ? 200 : 201);
  });
  app.post('/v1/admin/plugins/:name/activate', small, async (c) => {
    const name = pluginName(c.req.param('name'));
    const body = await jsonBody(c.req.raw);
    const version = (body as { version?: unknown } | null)?.version;
    if (typeof version !== 'string')
      throw new ServerError('BAD_REQUEST', 'send {"version": "x.y.z"}');
    return c.json(await service.activate(name, version));
  });
  app.put('/v1/admin/plugins/:name/traffic', small, async (c) => {
    const name = pluginName(c.req.param('name'));
    return c.json(await service.setTraffic(name, parseTraffic(await jsonBody(c.req.raw))));
  });
  app.post('/v1/admin/plugins/:name/rollback', small, async (c) =>
    c.json(await service.rollback(pluginName(c.req.param('name')))),
  );
  app.delete('/v1/admin/plugins/:name', small, async (c) => {
    await service.remove(pluginName(c.req.param('name')));
    return c.body(null, 204);
  });
  return app;
}
