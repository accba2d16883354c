import type { HttpBindings } from '@hono/node-server';
import type { Context } from 'hono';
import type { CallSignal } from '../service/call-plugin.js';

/**
 * The request's AbortSignal, for a call that may wait for it, or once the client has gone.
 * @hono/node-server makes the signal (an AbortController) on first use and aborts it when the
 * connection closes before the response is sent; a closed connection shows as a destroyed
 * response. Without Node's objects (`app.request`) the Request's own signal is used.
 */
export function clientSignal(c: Context): CallSignal {
  const outgoing = (c.env as Partial<HttpBindings> | undefined)?.outgoing;
  if (outgoing === undefined) return () => c.req.raw.signal;
  return (mayWait) => (mayWait || outgoing.destroyed ? c.req.raw.signal : undefined);
}
