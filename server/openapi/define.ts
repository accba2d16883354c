import { createRoute, type z } from '@hono/zod-openapi';

/** A JSON response of a route definition. */
export const json = <T extends z.ZodType>(schema: T, description: string) => ({
  description,
  content: { 'application/json': { schema } },
});

type RouteDefinition = Parameters<typeof createRoute>[0];

/** `createRoute` with a tag and a security requirement shared by a group of routes. */
export const routeGroup =
  (tag: string, security: RouteDefinition['security']) =>
  <const R extends RouteDefinition>(route: R) =>
    createRoute({ tags: [tag], ...(security === undefined ? {} : { security }), ...route });
