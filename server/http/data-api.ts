import { z } from '@hono/zod-openapi';
import { PLUGIN_NAME_PATTERN } from '../../runtime/index.js';
import { routeGroup } from '../openapi/define.js';
import { BEARER } from '../openapi/document.js';
import { errorResponses, PLUGIN_CODES } from '../openapi/error-responses.js';

const BINARY = { 'application/octet-stream': { schema: z.string().openapi({ format: 'binary' }) } };
const NAME = PLUGIN_NAME_PATTERN.source.slice(1, -1);

/**
 * POST /v1/plugins/{ref} as data. The document describes its parameters; at run time they are
 * checked by `dataTarget` (and the key by `guardCall`) as before, with no zod validator on the
 * hot path: dataRoutes registers this definition with the document and mounts the handler at its
 * path itself.
 */
export const callRoute = routeGroup('data', [{}, ...BEARER])({
  method: 'post',
  path: '/v1/plugins/{ref}',
  summary: 'ProcessData on the body: the output bytes back',
  description:
    'Security: a key is needed with `auth.required`; a key sent is always checked. The answer’s ' +
    "Content-Type is plugin.json's `contentType` when it names one.",
  request: {
    params: z.object({
      ref: z
        .string()
        .regex(new RegExp(`^${NAME}(@.+)?$`))
        .openapi({ description: '`name` or `name@version` (a pin)', example: 'upper@1.2.0' }),
    }),
    headers: z.object({
      'x-plugin-version': z.string().optional().openapi({ description: 'Pin a version' }),
      'x-plugin-backend': z.enum(['wasm', 'native']).optional(),
      'x-trace-id': z.string().max(128).optional().openapi({ description: 'Echoed when sane' }),
    }),
    body: { required: true, content: BINARY },
  },
  responses: {
    200: {
      description: 'The output bytes of the build that answered',
      headers: z.object({
        'x-plugin-version': z.string(),
        'x-plugin-backend': z.enum(['wasm', 'native']),
        'x-trace-id': z.string(),
      }),
      content: BINARY,
    },
    ...errorResponses([
      'BAD_REQUEST',
      'INVALID_PLUGIN_NAME',
      'UNAUTHORIZED',
      'KEY_INVALID',
      'SCOPE_DENIED',
      'RATE_LIMITED',
      'BODY_TOO_LARGE',
      ...PLUGIN_CODES,
    ]),
  },
});
