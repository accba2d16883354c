import { OpenAPIHono } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { requestSecret } from '../auth/credentials.js';
import type { ServerAccess } from '../auth/open-access.js';
import type { ServerConfig } from '../config/server-config.js';
import { ServerError } from '../errors/server-error.js';
import type { ServerEnv } from '../http/server-env.js';
import type { ServerMetrics } from '../observability/server-metrics.js';
import type { PluginService } from '../service/plugin-service.js';
import { dashboardApi } from './dashboard-api.js';
import type { FleetData } from './fleet-view.js';
import { PAGE_SCRIPT } from './page-script.js';
import { PAGE_STYLE } from './page-style.js';
import { redactDashboard } from './redact.js';
import { type DashboardData, renderDashboard } from './render.js';

async function serviceData(service: PluginService, metrics: ServerMetrics): Promise<DashboardData> {
  return {
    time: Date.now(),
    view: 'admin',
    plugins: service.list(),
    events: service.feed.latest(20),
    memory: service.memory(),
    series: await metrics.series(),
  };
}

/** The fleet view's data; undefined without a store (the plugins folder alone). */
async function fleetData(service: PluginService): Promise<FleetData | undefined> {
  const store = service.storeStatus();
  if (store === undefined) return undefined;
  // A listing while the store is down would wait for the client's request timeout.
  const nodes = store.connected ? await service.fleetNodes().catch(() => undefined) : undefined;
  return { connected: store.connected, nodes: nodes ?? null };
}

/**
 * The view this request may see, per `dashboard` in the config: admin credentials (bearer, or
 * Basic with the secret as password so that a browser can ask for it) always see everything;
 * without them, `redacted` shows the redacted view, `admin` answers 401 and `off` 404.
 * Credentials sent but wrong are refused (401, or 403 for a key that is not an admin key), never
 * quietly downgraded.
 */
async function viewFor(
  c: Context<ServerEnv>,
  access: ServerConfig['dashboard'],
  auth: ServerAccess['auth'],
): Promise<'admin' | 'redacted'> {
  if (access === 'off') throw new ServerError('ROUTE_NOT_FOUND', 'the dashboard is off');
  const secret = requestSecret(c.req.header('authorization'), true);
  if (secret === undefined && access === 'redacted') return 'redacted';
  if (secret == null) {
    c.header('WWW-Authenticate', 'Basic realm="twinplug dashboard", charset="UTF-8"');
    throw new ServerError('UNAUTHORIZED', 'the dashboard needs admin credentials');
  }
  const principal = await auth.identify(secret);
  if (principal === undefined)
    throw new ServerError('KEY_INVALID', 'the secret is not the admin token or a live key');
  if (principal.role !== 'admin')
    throw new ServerError('FORBIDDEN', 'the full dashboard needs an admin key');
  return 'admin';
}

/** GET / (the page, rendered on the server) and GET /v1/dashboard (its JSON, polled by the page). */
export function dashboardRoutes(
  service: PluginService,
  metrics: ServerMetrics,
  access: ServerConfig['dashboard'],
  { auth, audit }: ServerAccess,
): OpenAPIHono<ServerEnv> {
  const data = async (c: Context<ServerEnv>): Promise<DashboardData> => {
    const view = await viewFor(c, access, auth);
    const shown = await serviceData(service, metrics);
    if (view === 'redacted') return redactDashboard(shown);
    const fleet = await fleetData(service);
    return { ...shown, audit: await audit.latest(20), ...(fleet === undefined ? {} : { fleet }) };
  };
  const app = new OpenAPIHono<ServerEnv>();
  app.openapi(dashboardApi.data, async (c) => {
    c.header('Cache-Control', 'no-store');
    return c.json(await data(c), 200);
  });
  app.openapi(dashboardApi.page, async (c) => {
    const shown = await data(c);
    c.header(
      'Content-Security-Policy',
      "default-src 'self'; script-src 'unsafe-inline'; style-src 'unsafe-inline'",
    );
    c.header('Cache-Control', 'no-store');
    return c.html(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>twinplug</title>
<meta name="viewport" content="width=device-width,initial-scale=1"><style>${PAGE_STYLE}</style></head>
<body data-state="rendered" data-view="${shown.view}"><header><h1>twinplug</h1><span id="updated">rendered on the server</span></header>
<main>${renderDashboard(shown)}</main><script>${PAGE_SCRIPT}</script></body></html>`);
  });
  return app;
}
