import type { Context, MiddlewareHandler } from 'hono';
import { ServerError } from '../errors/server-error.js';
import { requestHeader } from '../http/request-header.js';
import type { ServerEnv } from '../http/server-env.js';
import type { Authenticator } from './authenticator.js';
import { requestSecret } from './credentials.js';
import type { Principal } from './principal.js';
import type { RateLimits, Refusal } from './rate-limits.js';
import { type Action, roleAllows, scopeNames, versionAllowed } from './scope.js';

/** What the HTTP layer checks before a route runs. */
export interface Access {
  readonly auth: Authenticator;
  /** `auth.required`: the data API needs a key too. */
  readonly required: boolean;
  readonly limits: RateLimits;
}

/** Who sent the request: a promise only while a key seen for the first time runs through scrypt. */
function principalOf(
  c: Context<ServerEnv>,
  auth: Authenticator,
  required: boolean,
  header: string | undefined,
): Principal | undefined | Promise<Principal | undefined> {
  const secret = requestSecret(header);
  if (secret === undefined && !required) return undefined;
  if (secret == null) {
    c.header('WWW-Authenticate', 'Bearer realm="twinplug"');
    throw new ServerError('UNAUTHORIZED', 'send Authorization: Bearer <API key>');
  }
  const identified = auth.identify(secret);
  return identified instanceof Promise
    ? identified.then((principal) => live(c, principal))
    : live(c, identified);
}

function live(c: Context<ServerEnv>, principal: Principal | undefined): Principal {
  if (principal === undefined) {
    c.header('WWW-Authenticate', 'Bearer realm="twinplug", error="invalid_token"');
    throw new ServerError('KEY_INVALID', 'the bearer secret is not a live API key');
  }
  return principal;
}

function denied(plugin: string): ServerError {
  return new ServerError('SCOPE_DENIED', `this key's scope does not include "${plugin}"`, {
    plugin,
  });
}

function refused(c: Context<ServerEnv>, refusal: Refusal | undefined): void {
  if (refusal === undefined) return;
  const seconds = Math.max(1, Math.ceil(refusal.retryAfterMs / 1000));
  c.header('Retry-After', String(seconds));
  throw new ServerError('RATE_LIMITED', `over the ${refusal.limit}'s rate limit`, {
    limit: refusal.limit,
    retryAfterSeconds: seconds,
  });
}

/** The key's scope (plugin, and for a version-scoped caller the pinned version), then the limits. */
function admit(
  c: Context<ServerEnv>,
  access: Access,
  principal: Principal | undefined,
  name: string,
  version: string | undefined,
): void | Promise<void> {
  if (principal !== undefined) {
    if (!roleAllows(principal.role, 'call') || !scopeNames(principal.scope, name))
      throw denied(name);
    if (principal.role === 'caller' && principal.scope.versions !== undefined) {
      if (version === undefined || !versionAllowed(principal.scope, version))
        throw new ServerError(
          'SCOPE_DENIED',
          `this key may call only versions ${principal.scope.versions.join(', ')} of "${name}": pin one (name@version or X-Plugin-Version)`,
          { plugin: name, versions: principal.scope.versions },
        );
    }
    c.set('principal', principal);
  }
  const refusal = access.limits.take(principal, name);
  if (refusal instanceof Promise) return refusal.then((late) => refused(c, late));
  refused(c, refusal);
}

/**
 * The data route's check, before the body is read: the key (required with `auth.required`,
 * checked whenever one is sent), its scope, then the key's and the plugin's rate limits.
 * Called by the route itself rather than run as middleware (the route has no middleware, see
 * data-routes.ts); returns a promise only when something had to wait (a key seen for the first
 * time, a rate limiter), so that an open server or a known key without limits costs no tick.
 */
export function guardCall(
  access: Access,
): (c: Context<ServerEnv>, name: string, version: string | undefined) => void | Promise<void> {
  return (c, name, version) => {
    const header = requestHeader(c, 'authorization');
    if (!access.required && access.limits.off && header === undefined) return;
    const principal = principalOf(c, access.auth, access.required, header);
    return principal instanceof Promise
      ? principal.then((known) => admit(c, access, known, name, version))
      : admit(c, access, principal, name, version);
  };
}

/**
 * In front of an admin route: a key whose role allows `action`, and whose scope names the
 * plugin in the path when there is one. The admin API is off (403 ADMIN_DISABLED) while there
 * is neither an admin token nor any key.
 */
export function guardAdmin(access: Access, action: Action): MiddlewareHandler<ServerEnv> {
  return async (c, next) => {
    if (!access.auth.enabled)
      throw new ServerError(
        'ADMIN_DISABLED',
        'the admin API is off: set TWINPLUG_ADMIN_TOKEN to turn it on',
      );
    const principal = (await principalOf(c, access.auth, true, c.req.header('authorization')))!;
    c.set('principal', principal);
    if (!roleAllows(principal.role, action))
      throw new ServerError('FORBIDDEN', `a ${principal.role} key may not do this`, {
        role: principal.role,
      });
    const plugin = c.req.param('name');
    if (plugin !== undefined && !scopeNames(principal.scope, plugin)) throw denied(plugin);
    return next();
  };
}
