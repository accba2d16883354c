import type { MiddlewareHandler } from 'hono';
import type { Authenticator } from '../auth/authenticator.js';
import { requestSecret } from '../auth/credentials.js';
import { ServerError } from '../errors/server-error.js';
import type { ServerEnv } from './server-env.js';

/**
 * Guards the admin API with a bearer secret (the admin token, or an API key), and leaves who
 * sent it in `c.var.principal`. Without any secret configured the admin API is off and says so
 * (403 ADMIN_DISABLED).
 */
export function adminAuth(auth: Authenticator): MiddlewareHandler<ServerEnv> {
  return async (c, next) => {
    if (!auth.enabled)
      throw new ServerError(
        'ADMIN_DISABLED',
        'the admin API is off: set TWINPLUG_ADMIN_TOKEN to turn it on',
      );
    const secret = requestSecret(c.req.header('authorization'));
    if (secret == null) {
      c.header('WWW-Authenticate', 'Bearer realm="twinplug admin"');
      throw new ServerError('UNAUTHORIZED', 'send Authorization: Bearer <admin token>');
    }
    const principal = await auth.identify(secret);
    if (principal === undefined || principal.role !== 'admin')
      throw new ServerError('FORBIDDEN', 'the bearer token is not the admin token');
    c.set('principal', principal);
    await next();
  };
}
