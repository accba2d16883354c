import type { HttpBindings } from '@hono/node-server';
import type { Context } from 'hono';

/** Node's option that makes a header sent twice read `a, b`, as the Fetch API joins it. */
export const SERVER_OPTIONS = { joinDuplicateHeaders: true } as const;

/**
 * A request header by its lower-case name, as `c.req.header(name)` gives it. Over a real
 * connection it is read from Node's parsed headers: @hono/node-server finds Authorization and
 * Content-Length (headers Node would keep once) by scanning a copy of the raw header list,
 * about a microsecond each in the server profile (docs/benchmarks.md). Only from a server made
 * with {@link SERVER_OPTIONS}: a header sent twice then reads `a, b` and is refused, as through
 * Hono, rather than its first copy believed.
 */
export function requestHeader(c: Context, name: string): string | undefined {
  const incoming = (c.env as Partial<HttpBindings> | undefined)?.incoming;
  // Node sets it on each request from the server's option (its types omit it).
  const joined = (incoming as { joinDuplicateHeaders?: boolean } | undefined)?.joinDuplicateHeaders;
  if (incoming === undefined || joined !== true) return c.req.header(name);
  const value = incoming.headers[name];
  return typeof value === 'string' ? value : undefined;
}
