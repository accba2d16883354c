import type { MiddlewareHandler } from 'hono';
import type { ServerEnv } from '../http/server-env.js';
import type { AuditLog } from './audit-log.js';

async function errorCode(response: Response): Promise<string | undefined> {
  try {
    const body = (await response.clone().json()) as { error?: { code?: unknown } };
    return typeof body.error?.code === 'string' ? body.error.code : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Records an admin action once it has run, whatever the outcome (refused ones too, with their
 * code): outermost on the route, so a refusal by the key check is recorded as well. The
 * handler adds what it did with `c.set('auditDetails', {...})` (never secrets or rule values).
 */
export function audited(audit: AuditLog, action: string): MiddlewareHandler<ServerEnv> {
  return async (c, next) => {
    await next();
    const status = c.res.status;
    await audit.record({
      keyId: c.get('principal')?.id ?? null,
      action,
      plugin: c.req.param('name'),
      result: status < 400 ? 'ok' : status < 500 ? 'refused' : 'failed',
      status,
      code: status < 400 ? undefined : await errorCode(c.res),
      traceId: c.get('requestId') ?? null,
      details: c.get('auditDetails'),
    });
  };
}
