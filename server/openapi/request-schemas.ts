import { z } from '@hono/zod-openapi';
import { KEY_LIMITS } from '../auth/key-request.js';
import { ROLES } from '../auth/principal.js';
import { PLUGIN_PATTERN } from '../auth/scope.js';
import { HEADER_NAME, MAX_RULES, MAX_WEIGHT } from '../routing/traffic.js';

// The JSON bodies the admin API reads, for the document: the parsers (parseTraffic,
// parseKeyRequest) read the same limits and stay the runtime check.

const headerName = z.string().regex(HEADER_NAME);

export const TRAFFIC_REQUEST = z.strictObject({
  weights: z
    .record(z.string(), z.number().int().min(0).max(MAX_WEIGHT))
    .optional()
    .describe('Semantic version → relative weight; at least one positive'),
  rules: z
    .array(z.strictObject({ header: headerName, value: z.string().max(1024), version: z.string() }))
    .max(MAX_RULES)
    .optional(),
  stickyHeader: headerName.optional(),
});

const list = (item: z.ZodString) => z.array(item).min(1).max(KEY_LIMITS.listItems);
const rate = z.number().int().min(0).max(KEY_LIMITS.rate);

export const KEY_REQUEST = z.strictObject({
  role: z.enum(ROLES),
  plugins: list(z.string().regex(PLUGIN_PATTERN))
    .optional()
    .describe('Names or `*` patterns; required but for admin keys (default `["*"]`)'),
  versions: list(z.string().max(64))
    .optional()
    .describe('Caller keys only: semantic versions or ranges'),
  label: z.string().max(KEY_LIMITS.label).optional(),
  rps: rate.optional(),
  burst: rate.optional(),
});
