import { z } from '@hono/zod-openapi';
import { KEY_ID } from '../auth/key-record.js';
import { json, routeGroup } from '../openapi/define.js';
import { BEARER } from '../openapi/document.js';
import { errorResponses } from '../openapi/error-responses.js';
import { describedJsonBody } from '../openapi/json-body.js';
import { KEY_REQUEST } from '../openapi/request-schemas.js';
import { AuditEntrySchema, KeySchema } from '../openapi/view-schemas.js';
import { ADMIN_AUTH } from './admin-api.js';

// /v1/admin/keys and /v1/admin/audit as data: keyRoutes mounts them, the document describes them.

export const MAX_AUDIT_PAGE = 1000;

/** A non-negative integer in a query string, at most `max`. */
const offset = (max: number) =>
  z
    .string()
    .regex(/^\d{1,15}$/)
    .refine((raw) => Number(raw) <= max, `at most ${max}`)
    .optional();

const keyRoute = routeGroup('keys', BEARER);

export const keyApi = {
  list: keyRoute({
    method: 'get',
    path: '/v1/admin/keys',
    summary: 'Every key (never a hash or a secret)',
    responses: {
      200: json(z.object({ keys: z.array(KeySchema).readonly() }), 'The keys'),
      ...errorResponses(ADMIN_AUTH),
    },
  }),
  create: keyRoute({
    method: 'post',
    path: '/v1/admin/keys',
    summary: 'Create an API key; its secret is answered once, here',
    request: { body: describedJsonBody(KEY_REQUEST, 'Role, scope, label and rate limit') },
    responses: {
      201: json(z.object({ key: KeySchema, secret: z.string() }), 'The key and its secret'),
      ...errorResponses([...ADMIN_AUTH, 'BAD_REQUEST', 'BODY_TOO_LARGE', 'KEYS_FILE_INVALID']),
    },
  }),
  revoke: keyRoute({
    method: 'delete',
    path: '/v1/admin/keys/{id}',
    summary: 'Revoke a key: refused everywhere when this answers',
    request: {
      params: z.object({ id: z.string().regex(KEY_ID).openapi({ example: 'k3f9c2a1b7d04' }) }),
    },
    responses: {
      200: json(z.object({ key: KeySchema }), 'The revoked key'),
      ...errorResponses([...ADMIN_AUTH, 'KEY_NOT_FOUND', 'BODY_TOO_LARGE', 'KEYS_FILE_INVALID']),
    },
  }),
  audit: keyRoute({
    method: 'get',
    path: '/v1/admin/audit',
    summary: 'A page of the audit log',
    request: {
      query: z.object({
        from: offset(Number.MAX_SAFE_INTEGER).openapi({ description: 'Byte offset; 0 by default' }),
        limit: offset(MAX_AUDIT_PAGE).openapi({ description: 'Entries; 100 by default' }),
      }),
    },
    responses: {
      200: json(
        z.object({
          entries: z.array(AuditEntrySchema).readonly(),
          next: z.number().int().optional(),
        }),
        '`next`: the `from` of the next page, absent at the end',
      ),
      ...errorResponses([...ADMIN_AUTH, 'BAD_REQUEST']),
    },
  }),
};
