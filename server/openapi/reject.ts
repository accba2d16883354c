import type { Context } from 'hono';
import type { ZodError } from 'zod';
import { ServerError, type ServerErrorCode } from '../errors/server-error.js';

type Target = 'param' | 'query' | 'header' | 'json' | 'form' | 'cookie';

/** What a route's validators hand its hook. */
type Validation = { success: true } | { success: false; error: ZodError; target: Target };

/**
 * The hook of a route's zod validators: a request the route's schemas refuse is thrown as the
 * server's typed error (rendered by the app's onError like any other), with the code the route
 * names for that part of the request (`BAD_REQUEST` unless said), never zod's own 400 body.
 */
export function rejectAs(codes: Partial<Record<Target, ServerErrorCode>> = {}) {
  return (result: Validation, _c: Context): undefined => {
    if (result.success) return undefined;
    const issue = result.error.issues[0];
    const where = [result.target, ...(issue?.path ?? [])].join('.');
    throw new ServerError(codes[result.target] ?? 'BAD_REQUEST', `${where}: ${issue?.message}`);
  };
}
