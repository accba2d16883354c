import { OpenAPIHono } from '@hono/zod-openapi';
import { audited } from '../auth/audited.js';
import { guardAdmin } from '../auth/guard.js';
import { keyView } from '../auth/key-record.js';
import { parseKeyRequest } from '../auth/key-request.js';
import type { ServerAccess } from '../auth/open-access.js';
import { ServerError } from '../errors/server-error.js';
import { rejectAs } from '../openapi/reject.js';
import { limitBody } from './body-limit.js';
import { ADMIN_JSON_MAX_BYTES, jsonBody } from './json-body.js';
import { keyApi } from './key-api.js';
import type { ServerEnv } from './server-env.js';

/** /v1/admin/keys (create, list, revoke) and /v1/admin/audit (paged): admin keys only. */
export function keyRoutes(access: ServerAccess): OpenAPIHono<ServerEnv> {
  const app = new OpenAPIHono<ServerEnv>({ defaultHook: rejectAs() });
  const admin = guardAdmin(access, 'administer');
  const small = limitBody(ADMIN_JSON_MAX_BYTES);
  app.openapi({ ...keyApi.list, middleware: admin }, (c) =>
    c.json({ keys: access.keys.list().map(keyView) }, 200),
  );
  const create = [audited(access.audit, 'key-create'), admin, small];
  app.openapi({ ...keyApi.create, middleware: create }, async (c) => {
    const request = parseKeyRequest(await jsonBody(c.req.raw));
    const created = await access.writer.create(request);
    const { id, role, scope } = created.key;
    c.set('auditDetails', { id, role, scope });
    return c.json(created, 201);
  });
  const revoke = [audited(access.audit, 'key-revoke'), admin, small];
  app.openapi(
    { ...keyApi.revoke, middleware: revoke },
    async (c) => {
      const { id } = c.req.valid('param');
      c.set('auditDetails', { id });
      return c.json({ key: await access.writer.revoke(id) }, 200);
    },
    (result, c) => {
      if (!result.success)
        throw new ServerError('KEY_NOT_FOUND', 'no such key', {
          id: c.req.param('id').slice(0, 40),
        });
      return undefined;
    },
  );
  app.openapi({ ...keyApi.audit, middleware: admin }, async (c) => {
    const { from, limit } = c.req.valid('query');
    return c.json(await access.audit.page(Number(from ?? 0), Number(limit ?? 100)), 200);
  });
  return app;
}
