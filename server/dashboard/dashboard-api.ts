import { z } from '@hono/zod-openapi';
import { json, routeGroup } from '../openapi/define.js';
import { BEARER } from '../openapi/document.js';
import { errorResponses } from '../openapi/error-responses.js';
import {
  AuditEntrySchema,
  EventSchema,
  FleetNodeSchema,
  MemorySchema,
  PluginSchema,
} from '../openapi/view-schemas.js';

// The dashboard's routes as data: dashboardRoutes mounts them, the document describes them.

/** None (the redacted view, when `dashboard` is `redacted`), or admin credentials. */
const dashboardRoute = routeGroup('dashboard', [{}, ...BEARER, { basic: [] }]);
const DASHBOARD_ERRORS = errorResponses([
  'UNAUTHORIZED',
  'KEY_INVALID',
  'FORBIDDEN',
  'ROUTE_NOT_FOUND',
  'METRICS_UNAVAILABLE',
]);

const count = z.number().int().min(0);

export const SeriesSchema = z
  .object({
    plugin: z.string(),
    version: z.string(),
    backend: z.string(),
    points: z
      .array(
        z.object({
          at: z.number(),
          seconds: z.number(),
          calls: count,
          errors: count,
          p99Ms: z.number().nullable(),
        }),
      )
      .readonly(),
  })
  .openapi('VersionSeries');

/** The nodes are GET /v1/admin/fleet's. */
export const FleetViewSchema = z
  .object({ connected: z.boolean(), nodes: z.array(FleetNodeSchema).readonly().nullable() })
  .openapi('FleetView');

export const DashboardSchema = z
  .object({
    time: z.number(),
    view: z.enum(['admin', 'redacted']),
    plugins: z.array(PluginSchema).readonly(),
    events: z.array(EventSchema).readonly(),
    memory: MemorySchema.optional(),
    audit: z.array(AuditEntrySchema).readonly().optional(),
    series: z.array(SeriesSchema).readonly(),
    fleet: FleetViewSchema.optional(),
  })
  .openapi('Dashboard');

export const dashboardApi = {
  data: dashboardRoute({
    method: 'get',
    path: '/v1/dashboard',
    summary: 'What the dashboard shows, as JSON (polled by the page)',
    responses: {
      200: json(DashboardSchema, 'The admin view with admin credentials, else the redacted one'),
      ...DASHBOARD_ERRORS,
    },
  }),
  page: dashboardRoute({
    method: 'get',
    path: '/',
    summary: 'The dashboard page, rendered on the server',
    responses: {
      200: { description: 'HTML', content: { 'text/html': { schema: z.string() } } },
      ...DASHBOARD_ERRORS,
    },
  }),
};
