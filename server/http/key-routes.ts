import { Hono } from 'hono';
import { audited } from '../auth/audited.js';
import { guardAdmin } from '../auth/guard.js';
import { KEY_ID, keyView } from '../auth/key-record.js';
import { parseKeyRequest } from '../auth/key-request.js';
import type { ServerAccess } from '../auth/open-access.js';
import { ServerError } from '../errors/server-error.js';
import { limitBody } from './body-limit.js';
import { ADMIN_JSON_MAX_BYTES, jsonBody } from './json-body.js';
import type { ServerEnv } from './server-env.js';

const MAX_PAGE = 1000;

function keyId(raw: string): string {
  if (!KEY_ID.test(raw))
    throw new ServerError('KEY_NOT_FOUND', 'no such key', { id: raw.slice(0, 40) });
  return raw;
}

function offset(raw: string | undefined, fallback: number, max: number): number {
  if (raw === undefined) return fallback;
  if (!/^\d{1,15}$/.test(raw) || Number(raw) > max)
    throw new ServerError('BAD_REQUEST', `expected an integer from 0 to ${max}`);
  return Number(raw);
}

/** /v1/admin/keys (create, list, revoke) and /v1/admin/audit (paged): admin keys only. */
export function keyRoutes(access: ServerAccess): Hono<ServerEnv> {
  const app = new Hono<ServerEnv>();
  const admin = guardAdmin(access, 'administer');
  const small = limitBody(ADMIN_JSON_MAX_BYTES);
  app.get('/v1/admin/keys', admin, (c) => c.json({ keys: access.keys.list().map(keyView) }));
  app.post('/v1/admin/keys', audited(access.audit, 'key-create'), admin, small, async (c) => {
    const request = parseKeyRequest(await jsonBody(c.req.raw));
    const created = await access.writer.create(request);
    const { id, role, scope } = created.key;
    c.set('auditDetails', { id, role, scope });
    return c.json(created, 201);
  });
  app.delete('/v1/admin/keys/:id', audited(access.audit, 'key-revoke'), admin, small, async (c) => {
    const id = keyId(c.req.param('id'));
    c.set('auditDetails', { id });
    return c.json({ key: await access.writer.revoke(id) });
  });
  app.get('/v1/admin/audit', admin, async (c) => {
    const from = offset(c.req.query('from'), 0, Number.MAX_SAFE_INTEGER);
    const limit = offset(c.req.query('limit'), 100, MAX_PAGE);
    return c.json(await access.audit.page(from, limit));
  });
  return app;
}
