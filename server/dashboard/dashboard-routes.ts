import { Hono } from 'hono';
import type { ServerEnv } from '../http/server-env.js';
import type { PluginService } from '../service/plugin-service.js';
import { PAGE_SCRIPT } from './page-script.js';
import { PAGE_STYLE } from './page-style.js';
import { type DashboardData, renderDashboard } from './render.js';

function dashboardData(service: PluginService): DashboardData {
  return { time: Date.now(), plugins: service.list(), events: service.feed.latest(20) };
}

/** GET / (the page, rendered on the server) and GET /v1/dashboard (its JSON, polled by the page). */
export function dashboardRoutes(service: PluginService): Hono<ServerEnv> {
  const app = new Hono<ServerEnv>();
  app.get('/v1/dashboard', (c) => c.json(dashboardData(service)));
  app.get('/', (c) => {
    c.header(
      'Content-Security-Policy',
      "default-src 'self'; script-src 'unsafe-inline'; style-src 'unsafe-inline'",
    );
    c.header('Cache-Control', 'no-store');
    return c.html(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>twinplug</title>
<meta name="viewport" content="width=device-width,initial-scale=1"><style>${PAGE_STYLE}</style></head>
<body data-state="rendered"><header><h1>twinplug</h1><span id="updated">rendered on the server</span></header>
<main>${renderDashboard(dashboardData(service))}</main><script>${PAGE_SCRIPT}</script></body></html>`);
  });
  return app;
}
