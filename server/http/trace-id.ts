import { randomUUID } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import type { Logger } from '../observability/logger.js';
import type { ServerEnv } from './server-env.js';

export const TRACE_ID_HEADER = 'X-Trace-ID';

/** What a client may send as its trace ID: Hono's requestId rule, at most 128 characters. */
const SANE = /^[\w\-=]{1,128}$/;

/**
 * Hono's requestId (and the request's logger), with one difference: the header is added after the handler, unless the
 * handler already put it in its own response (the data route does, in a plain header object,
 * so that @hono/node-server writes the response without building a Headers object).
 */
export function traceId(log: Logger): MiddlewareHandler<ServerEnv> {
  return async (c, next) => {
    const sent = c.req.header(TRACE_ID_HEADER);
    const id = sent !== undefined && SANE.test(sent) ? sent : randomUUID();
    c.set('requestId', id);
    // The base logger: request lines add the trace ID themselves (no child logger per request).
    c.set('log', log);
    await next();
    if (c.get('traceHeaderSent') !== true) c.header(TRACE_ID_HEADER, id);
  };
}
