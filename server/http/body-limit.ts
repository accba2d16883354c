import type { MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { errorResponse } from '../errors/error-response.js';
import { ServerError } from '../errors/server-error.js';
import type { ServerEnv } from './server-env.js';

/** Hono's bodyLimit, answering 413 with the server's JSON error (BODY_TOO_LARGE). */
export function limitBody(maxBytes: number): MiddlewareHandler<ServerEnv> {
  return bodyLimit({
    maxSize: maxBytes,
    onError: (c) =>
      errorResponse(
        c as Parameters<typeof errorResponse>[0],
        new ServerError('BODY_TOO_LARGE', `the body is larger than ${maxBytes} bytes`, {
          maxBytes,
        }),
      ),
  }) as MiddlewareHandler<ServerEnv>;
}
