import { z } from '@hono/zod-openapi';
import { json, routeGroup } from '../openapi/define.js';
import { errorResponses } from '../openapi/error-responses.js';
import { StoreStatusSchema } from '../openapi/view-schemas.js';

const opsRoute = routeGroup('ops', undefined);

// Health checks and metrics as data: opsRoutes mounts them, the document describes them.
export const opsApi = {
  health: opsRoute({
    method: 'get',
    path: '/healthz',
    summary: 'The process is up',
    responses: {
      200: json(z.object({ status: z.literal('ok'), pid: z.number().int() }), 'Up'),
      ...errorResponses([]),
    },
  }),
  ready: opsRoute({
    method: 'get',
    path: '/readyz',
    summary: 'Plugins loaded and not shutting down',
    responses: {
      200: json(
        z.object({
          status: z.literal('ready'),
          plugins: z.array(z.string()),
          store: StoreStatusSchema.optional(),
        }),
        'Ready: the plugins served (and the fleet store, in fleet mode)',
      ),
      ...errorResponses(['NOT_READY']),
    },
  }),
  metrics: opsRoute({
    method: 'get',
    path: '/metrics',
    summary: "Prometheus metrics (with --workers N, the whole process group's)",
    responses: {
      200: {
        description: 'The Prometheus text exposition format',
        content: { 'text/plain': { schema: z.string() } },
      },
      ...errorResponses(['METRICS_UNAVAILABLE']),
    },
  }),
};
