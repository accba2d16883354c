import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import type { ServerEnv } from '../http/server-env.js';
import { ERROR_BODY, ErrorBodySchema, errorResponses } from './error-responses.js';

/** How a request proves who it is: `Authorization: Bearer <admin token or API key>`. */
export const BEARER = [{ bearer: [] }];

const openapiRoute = createRoute({
  method: 'get',
  path: '/openapi.json',
  summary: 'This document',
  tags: ['ops'],
  responses: {
    200: {
      description: 'The OpenAPI 3.1 description of every route of this server',
      content: { 'application/json': { schema: z.record(z.string(), z.unknown()) } },
    },
    ...errorResponses([]),
  },
});

/**
 * Serves GET /openapi.json: the OpenAPI 3.1 document generated from the routes registered on
 * `app` (built once, on the first request: routes do not change after the app is built).
 */
export function serveOpenApi(app: OpenAPIHono<ServerEnv>): void {
  // Every error response refers to it (error-responses.ts).
  app.openAPIRegistry.register(ERROR_BODY, ErrorBodySchema);
  app.openAPIRegistry.registerComponent('securitySchemes', 'bearer', {
    type: 'http',
    scheme: 'bearer',
    description: 'TWINPLUG_ADMIN_TOKEN or an API key (tpk_...)',
  });
  app.openAPIRegistry.registerComponent('securitySchemes', 'basic', {
    type: 'http',
    scheme: 'basic',
    description: 'The dashboard page: any user name, the admin token or an admin key as password',
  });
  let document: ReturnType<typeof app.getOpenAPI31Document> | undefined;
  app.openapi(openapiRoute, (c) => {
    document ??= app.getOpenAPI31Document({
      openapi: '3.1.0',
      info: {
        title: 'twinplug server',
        version: '1',
        description: 'Data, admin, dashboard and ops routes of `twinplug serve` (docs/server.md).',
      },
    });
    return c.json(document as unknown as Record<string, unknown>, 200);
  });
}
