import { OpenAPIHono } from '@hono/zod-openapi';
import type { MiddlewareHandler } from 'hono';
import { audited } from '../auth/audited.js';
import { guardAdmin } from '../auth/guard.js';
import type { ServerAccess } from '../auth/open-access.js';
import type { Principal } from '../auth/principal.js';
import { scopeNames } from '../auth/scope.js';
import { ServerError } from '../errors/server-error.js';
import { rejectAs } from '../openapi/reject.js';
import { parseTraffic } from '../routing/traffic.js';
import type { PluginService } from '../service/plugin-service.js';
import { adminApi } from './admin-api.js';
import { limitBody } from './body-limit.js';
import { ADMIN_JSON_MAX_BYTES, jsonBody } from './json-body.js';
import type { ServerEnv } from './server-env.js';

export { ADMIN_JSON_MAX_BYTES } from './json-body.js';

async function versionBody(request: Request): Promise<string> {
  const version = ((await jsonBody(request)) as { version?: unknown } | null)?.version;
  if (typeof version !== 'string')
    throw new ServerError('BAD_REQUEST', 'send {"version": "x.y.z"}');
  return version;
}

const inScope = (principal: Principal | undefined, plugin: string) =>
  principal !== undefined && scopeNames(principal.scope, plugin);

/** A plugin name the path's schema refuses is INVALID_PLUGIN_NAME; an upload's X-Sha256, SHA256_REQUIRED. */
const reject = rejectAs({ param: 'INVALID_PLUGIN_NAME', header: 'SHA256_REQUIRED' });

/**
 * /v1/admin/...: inspect, upload, activate, withdraw, split traffic, roll back, remove. Each
 * route names the least role it needs (deployers within their scope); every change is audited.
 * The routes are `adminApi`'s definitions, which the OpenAPI document describes.
 */
export function adminRoutes(
  service: PluginService,
  access: ServerAccess,
  maxBodyBytes: number,
): OpenAPIHono<ServerEnv> {
  const app = new OpenAPIHono<ServerEnv>({ defaultHook: reject });
  inspectRoutes(app, service, guardAdmin(access, 'inspect'));
  changeRoutes(app, service, access, maxBodyBytes);
  return app;
}

/** The read-only routes: what the key's scope names. */
function inspectRoutes(
  app: OpenAPIHono<ServerEnv>,
  service: PluginService,
  inspect: MiddlewareHandler<ServerEnv>,
): void {
  app.openapi({ ...adminApi.list, middleware: inspect }, (c) =>
    c.json({ plugins: service.list().filter((p) => inScope(c.get('principal'), p.name)) }, 200),
  );
  app.openapi({ ...adminApi.fleet, middleware: inspect }, async (c) => {
    const nodes = await service.fleetNodes();
    if (nodes === undefined) return c.json({ store: 'folder' as const, nodes: [] }, 200);
    const principal = c.get('principal');
    const scoped = nodes.map((node) => ({
      ...node,
      plugins: node.plugins.filter((plugin) => inScope(principal, plugin.name)),
    }));
    return c.json({ store: service.storeStatus()!, nodes: scoped }, 200);
  });
  app.openapi({ ...adminApi.events, middleware: inspect }, (c) =>
    c.json(
      { events: service.feed.latest(100).filter((e) => inScope(c.get('principal'), e.plugin)) },
      200,
    ),
  );
  app.openapi({ ...adminApi.describe, middleware: inspect }, (c) => {
    const view = service.describe(c.req.valid('param').name);
    if (view === undefined) throw new ServerError('ROUTE_NOT_FOUND', 'no such plugin');
    return c.json(view, 200);
  });
}

/** The audited changes: upload, activate, withdraw, traffic, rollback (deployers), delete (admins). */
function changeRoutes(
  app: OpenAPIHono<ServerEnv>,
  service: PluginService,
  access: ServerAccess,
  maxBodyBytes: number,
): void {
  const small = limitBody(ADMIN_JSON_MAX_BYTES);
  const deploy = guardAdmin(access, 'deploy');
  const change = (action: string) => [audited(access.audit, action), deploy, small];
  const upload = [audited(access.audit, 'upload'), deploy, limitBody(maxBodyBytes)];
  app.openapi({ ...adminApi.upload, middleware: upload }, async (c) => {
    const { name } = c.req.valid('param');
    const { backend } = c.req.valid('query');
    const sha256 = c.req.valid('header')['x-sha256'].toLowerCase();
    c.set('auditDetails', { backend, sha256 });
    const bytes = new Uint8Array(await c.req.arrayBuffer());
    const result = await service.upload({ name, backend, bytes, sha256 });
    c.set('auditDetails', { backend, sha256, outcome: result.outcome });
    const { outcome, version } = result;
    return outcome === 'unchanged'
      ? c.json({ outcome, version }, 200)
      : c.json({ outcome, version }, 201);
  });
  app.openapi({ ...adminApi.activate, middleware: change('activate') }, async (c) => {
    const version = await versionBody(c.req.raw);
    c.set('auditDetails', { version });
    return c.json(await service.activate(c.req.valid('param').name, version), 200);
  });
  app.openapi({ ...adminApi.withdraw, middleware: change('withdraw') }, async (c) => {
    const version = await versionBody(c.req.raw);
    c.set('auditDetails', { version });
    return c.json(await service.withdraw(c.req.valid('param').name, version), 200);
  });
  app.openapi(
    { ...adminApi.traffic, middleware: change('traffic') },
    async (c) => {
      const traffic = parseTraffic(await jsonBody(c.req.raw));
      // Rule values are often secrets: the audit keeps weights and how many rules, not the values.
      c.set('auditDetails', { weights: traffic.weights, rules: traffic.rules?.length ?? 0 });
      const ifMatch = c.req.valid('header')['if-match'];
      const basedOn = ifMatch === undefined ? undefined : Number(ifMatch.replaceAll('"', ''));
      return c.json(await service.setTraffic(c.req.valid('param').name, traffic, basedOn), 200);
    },
    rejectAs({ param: 'INVALID_PLUGIN_NAME' }),
  );
  app.openapi({ ...adminApi.rollback, middleware: change('rollback') }, async (c) =>
    c.json(await service.rollback(c.req.valid('param').name), 200),
  );
  const remove = [audited(access.audit, 'delete'), guardAdmin(access, 'administer'), small];
  app.openapi({ ...adminApi.remove, middleware: remove }, async (c) => {
    await service.remove(c.req.valid('param').name);
    return c.body(null, 204);
  });
}
