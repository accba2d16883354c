import { z } from '@hono/zod-openapi';
import type { PluginErrorCode } from '../../runtime/index.js';
import { PLUGIN_ERROR_STATUS } from '../errors/plugin-status.js';
import { SERVER_STATUS, type ServerErrorCode } from '../errors/server-error.js';

/** Every code an error body may carry: the server's own and the runtime's. */
export type ErrorCode = ServerErrorCode | PluginErrorCode;

export const PLUGIN_CODES = Object.keys(PLUGIN_ERROR_STATUS) as PluginErrorCode[];

/** The status of a code, from the server's two tables (the only place statuses are defined). */
export function statusOf(code: ErrorCode): number {
  return code in SERVER_STATUS
    ? SERVER_STATUS[code as ServerErrorCode]
    : PLUGIN_ERROR_STATUS[code as PluginErrorCode];
}

/** The component's name: serveOpenApi registers ErrorBodySchema under it. */
export const ERROR_BODY = 'ErrorBody';

/** `{"error": {code, message, traceId, pluginCode?, details?}}`: declared once, as a component. */
export const ErrorBodySchema = z.object({
  error: z.object({
    code: z.enum([...Object.keys(SERVER_STATUS), ...PLUGIN_CODES] as [ErrorCode, ...ErrorCode[]]),
    message: z.string(),
    traceId: z.string(),
    pluginCode: z.number().int().optional(),
    details: z.record(z.string(), z.unknown()).optional(),
  }),
});

/**
 * The error body with the codes a status carries: the component, and the code narrowed to those
 * codes (JSON Schema, not zod: a zod intersection repeats `type` and `required` on every route).
 */
function errorBody(codes: readonly ErrorCode[]) {
  const narrowed = { properties: { error: { properties: { code: { enum: codes } } } } };
  return { allOf: [{ $ref: `#/components/schemas/${ERROR_BODY}` }, narrowed] };
}

/**
 * The error responses of a route: the codes it may answer, grouped by the status each code has
 * in the server's tables, each as the shared error body restricted to its codes. INTERNAL_ERROR
 * (500) is added to every route.
 */
export function errorResponses(codes: readonly ErrorCode[]) {
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of new Set<ErrorCode>([...codes, 'INTERNAL_ERROR'])) {
    const status = statusOf(code);
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  const responses: Record<number, { description: string; content: object }> = {};
  for (const [status, all] of [...byStatus].sort(([a], [b]) => a - b))
    responses[status] = {
      description: all.join(', '),
      content: { 'application/json': { schema: errorBody(all) } },
    };
  return responses;
}
