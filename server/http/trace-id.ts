import { randomUUID } from 'node:crypto';
import type { Context, MiddlewareHandler } from 'hono';
import type { Logger } from '../observability/logger.js';
import type { ServerEnv } from './server-env.js';

export const TRACE_ID_HEADER = 'X-Trace-ID';

/** What a client may send as its trace ID: Hono's requestId rule, at most 128 characters. */
const SANE = /^[\w\-=]{1,128}$/;

/**
 * Fresh trace IDs are UUID-shaped: a random prefix drawn once per process (a cluster worker
 * draws its own) and a 48-bit counter. Unique, which is all a trace ID must be; a randomUUID()
 * per request cost 0.3 µs of a 30 µs request in the server profile (docs/benchmarks.md).
 */
const PREFIX = randomUUID().slice(0, 24);
let counter = 0;

function freshTraceId(): string {
  counter = (counter + 1) % 2 ** 48;
  return PREFIX + counter.toString(16).padStart(12, '0');
}

/**
 * The request's trace ID (the client's when sane, else a fresh one), set on the context with
 * the logger on first use: by the middleware below, by the data route itself (which runs
 * without middleware), or by an error response for a request no route matched.
 */
export function traceOf(c: Context<ServerEnv>, sent: string | undefined, log?: Logger): string {
  const known = c.get('requestId');
  if (known !== undefined) return known;
  const id = sent !== undefined && SANE.test(sent) ? sent : freshTraceId();
  c.set('requestId', id);
  // The base logger: request lines add the trace ID themselves (no child logger per request).
  if (log !== undefined) c.set('log', log);
  return id;
}

/**
 * Hono's requestId (and the request's logger) for every route but the data route, which puts
 * X-Trace-ID in its own plain header object (so that @hono/node-server writes the response
 * without building a Headers object).
 */
export function traceId(log: Logger): MiddlewareHandler<ServerEnv> {
  return async (c, next) => {
    const id = traceOf(c, c.req.header(TRACE_ID_HEADER), log);
    await next();
    c.header(TRACE_ID_HEADER, id);
  };
}
