import { createHash, timingSafeEqual } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import { ServerError } from '../errors/server-error.js';
import type { ServerEnv } from './server-env.js';

function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

/**
 * Guards the admin API with a bearer token. The token is compared as sha256 digests with
 * timingSafeEqual (equal lengths whatever was sent, so neither content nor length leaks).
 * Without a token the admin API is off and says so (403 ADMIN_DISABLED).
 */
export function adminAuth(token: string | undefined): MiddlewareHandler<ServerEnv> {
  const expected = token === undefined ? undefined : digest(token);
  return async (c, next) => {
    if (expected === undefined)
      throw new ServerError(
        'ADMIN_DISABLED',
        'the admin API is off: set TWINPLUG_ADMIN_TOKEN to turn it on',
      );
    const header = c.req.header('authorization');
    const match = header === undefined ? null : /^Bearer ([\x21-\x7e]{1,4096})$/.exec(header);
    if (match === null) {
      c.header('WWW-Authenticate', 'Bearer realm="twinplug admin"');
      throw new ServerError('UNAUTHORIZED', 'send Authorization: Bearer <admin token>');
    }
    if (!timingSafeEqual(digest(match[1]!), expected))
      throw new ServerError('FORBIDDEN', 'the bearer token is not the admin token');
    await next();
  };
}
