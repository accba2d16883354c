import type { Context, MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { errorResponse } from '../errors/error-response.js';
import { ServerError } from '../errors/server-error.js';
import type { ServerEnv } from './server-env.js';

/**
 * Hono's bodyLimit, answering 413 with the server's JSON error (BODY_TOO_LARGE). A body with a
 * Content-Length (and no Transfer-Encoding) is judged by that header here, as bodyLimit itself
 * would, before bodyLimit touches `c.req.raw.body`: that getter makes @hono/node-server build a
 * full Request with a ReadableStream, which cost three quarters of the throughput of a small
 * call. Chunked bodies go through bodyLimit, which counts the bytes as they come.
 */
export function limitBody(maxBytes: number): MiddlewareHandler<ServerEnv> {
  const tooLarge = (c: Context) =>
    errorResponse(
      c as Context<ServerEnv>,
      new ServerError('BODY_TOO_LARGE', `the body is larger than ${maxBytes} bytes`, { maxBytes }),
    );
  const streaming = bodyLimit({ maxSize: maxBytes, onError: tooLarge });
  return async (c, next) => {
    const length = c.req.header('content-length');
    if (length === undefined || c.req.header('transfer-encoding') !== undefined)
      return streaming(c, next);
    if (!/^\d+$/.test(length)) throw new ServerError('BAD_REQUEST', 'invalid Content-Length');
    if (Number(length) > maxBytes) return tooLarge(c);
    await next();
  };
}
