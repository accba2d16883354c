import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { isPluginError } from '../../runtime/index.js';
import type { ServerEnv } from '../http/server-env.js';
import { TRACE_ID_HEADER } from '../http/trace-id.js';
import { PLUGIN_ERROR_STATUS } from './plugin-status.js';
import { ServerError } from './server-error.js';

/** The body of every error response. */
export interface ErrorBody {
  error: {
    code: string;
    message: string;
    traceId: string;
    pluginCode?: number;
    details?: Record<string, unknown>;
  };
}

function describe(error: unknown): {
  status: ContentfulStatusCode;
  body: Omit<ErrorBody['error'], 'traceId'>;
} {
  if (error instanceof ServerError) {
    const body = { code: error.code, message: error.message };
    return {
      status: error.status,
      body: error.details ? { ...body, details: error.details } : body,
    };
  }
  if (isPluginError(error)) {
    const body: Omit<ErrorBody['error'], 'traceId'> = { code: error.code, message: error.message };
    if (error.pluginCode !== undefined) body.pluginCode = error.pluginCode;
    return { status: PLUGIN_ERROR_STATUS[error.code], body };
  }
  return { status: 500, body: { code: 'INTERNAL_ERROR', message: 'internal error' } };
}

/**
 * Renders any error as the JSON error body with its status and X-Trace-ID (routes without the
 * trace middleware, the data route and unmatched paths, get the header here), and logs it with
 * the trace ID.
 */
export function errorResponse(c: Context<ServerEnv>, error: unknown): Response {
  const { status, body } = describe(error);
  const traceId = c.get('requestId') ?? '';
  c.header(TRACE_ID_HEADER, traceId);
  const log = c.get('log');
  if (status >= 500 && body.code === 'INTERNAL_ERROR')
    log?.error({ traceId, err: error }, 'unhandled error');
  else log?.info({ traceId, code: body.code, status, path: c.req.path }, body.message);
  return c.json({ error: { ...body, traceId } } satisfies ErrorBody, status);
}
