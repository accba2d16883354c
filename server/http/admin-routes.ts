import { Hono } from 'hono';
import { audited } from '../auth/audited.js';
import { guardAdmin } from '../auth/guard.js';
import type { ServerAccess } from '../auth/open-access.js';
import type { Principal } from '../auth/principal.js';
import { scopeNames } from '../auth/scope.js';
import { ServerError } from '../errors/server-error.js';
import { parseTraffic } from '../routing/traffic.js';
import type { PluginService } from '../service/plugin-service.js';
import { limitBody } from './body-limit.js';
import { ADMIN_JSON_MAX_BYTES, jsonBody } from './json-body.js';
import { pluginName } from './plugin-ref.js';
import type { ServerEnv } from './server-env.js';

export { ADMIN_JSON_MAX_BYTES } from './json-body.js';

async function versionBody(request: Request): Promise<string> {
  const version = ((await jsonBody(request)) as { version?: unknown } | null)?.version;
  if (typeof version !== 'string')
    throw new ServerError('BAD_REQUEST', 'send {"version": "x.y.z"}');
  return version;
}

function sha256Header(value: string | undefined): string {
  if (value === undefined || !/^[0-9a-fA-F]{64}$/.test(value))
    throw new ServerError('SHA256_REQUIRED', 'send the artifact sha256 as X-Sha256: 64 hex digits');
  return value.toLowerCase();
}

const inScope = (principal: Principal | undefined, plugin: string) =>
  principal !== undefined && scopeNames(principal.scope, plugin);

/**
 * /v1/admin/...: inspect, upload, activate, withdraw, split traffic, roll back, remove. Each
 * route names the least role it needs (deployers within their scope); every change is audited.
 */
export function adminRoutes(
  service: PluginService,
  access: ServerAccess,
  maxBodyBytes: number,
): Hono<ServerEnv> {
  const app = new Hono<ServerEnv>();
  const small = limitBody(ADMIN_JSON_MAX_BYTES);
  const inspect = guardAdmin(access, 'inspect');
  const deploy = guardAdmin(access, 'deploy');
  const change = (action: string) => audited(access.audit, action);
  app.get('/v1/admin/plugins', inspect, (c) =>
    c.json({ plugins: service.list().filter((p) => inScope(c.get('principal'), p.name)) }),
  );
  app.get('/v1/admin/events', inspect, (c) =>
    c.json({
      events: service.feed.latest(100).filter((e) => inScope(c.get('principal'), e.plugin)),
    }),
  );
  app.get('/v1/admin/plugins/:name', inspect, (c) => {
    const view = service.describe(pluginName(c.req.param('name')));
    if (view === undefined) throw new ServerError('ROUTE_NOT_FOUND', 'no such plugin');
    return c.json(view);
  });
  app.post(
    '/v1/admin/plugins/:name/versions',
    change('upload'),
    deploy,
    limitBody(maxBodyBytes),
    async (c) => {
      const name = pluginName(c.req.param('name'));
      const backend = c.req.query('backend') ?? 'wasm';
      if (backend !== 'wasm' && backend !== 'native')
        throw new ServerError('BAD_REQUEST', '?backend must be wasm or native');
      const sha256 = sha256Header(c.req.header('x-sha256'));
      c.set('auditDetails', { backend, sha256 });
      const bytes = new Uint8Array(await c.req.arrayBuffer());
      const result = await service.upload({ name, backend, bytes, sha256 });
      c.set('auditDetails', { backend, sha256, outcome: result.outcome });
      return c.json(result, result.outcome === 'unchanged' ? 200 : 201);
    },
  );
  app.post('/v1/admin/plugins/:name/activate', change('activate'), deploy, small, async (c) => {
    const name = pluginName(c.req.param('name'));
    const version = await versionBody(c.req.raw);
    c.set('auditDetails', { version });
    return c.json(await service.activate(name, version));
  });
  app.post('/v1/admin/plugins/:name/withdraw', change('withdraw'), deploy, small, async (c) => {
    const name = pluginName(c.req.param('name'));
    const version = await versionBody(c.req.raw);
    c.set('auditDetails', { version });
    return c.json(await service.withdraw(name, version));
  });
  app.put('/v1/admin/plugins/:name/traffic', change('traffic'), deploy, small, async (c) => {
    const name = pluginName(c.req.param('name'));
    const traffic = parseTraffic(await jsonBody(c.req.raw));
    // Rule values are often secrets: the audit keeps weights and how many rules, not the values.
    c.set('auditDetails', { weights: traffic.weights, rules: traffic.rules?.length ?? 0 });
    return c.json(await service.setTraffic(name, traffic));
  });
  app.post('/v1/admin/plugins/:name/rollback', change('rollback'), deploy, small, async (c) =>
    c.json(await service.rollback(pluginName(c.req.param('name')))),
  );
  const remove = guardAdmin(access, 'administer');
  app.delete('/v1/admin/plugins/:name', change('delete'), remove, small, async (c) => {
    await service.remove(pluginName(c.req.param('name')));
    return c.body(null, 204);
  });
  return app;
}
