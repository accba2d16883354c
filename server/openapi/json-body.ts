import { type RouteConfig, z } from '@hono/zod-openapi';

type RequestBody = NonNullable<NonNullable<RouteConfig['request']>['body']>;

/**
 * A JSON request body described in the document but not validated by it: the route's own parser
 * reads it (with the codes and field-naming messages it has always had, and without asking for a
 * Content-Type), and the route tests check that parser and this schema agree. Handing the
 * generator a plain JSON Schema, not a zod schema, is what keeps @hono/zod-openapi from adding
 * its JSON validator (and its 415 for a body sent without `Content-Type: application/json`).
 */
export function describedJsonBody(schema: z.ZodType, description: string): RequestBody {
  const { $schema: _dialect, ...jsonSchema } = z.toJSONSchema(schema, { io: 'input' });
  const content = { 'application/json': { schema: jsonSchema } };
  return { required: true, description, content } as RequestBody;
}
