import { z } from '@hono/zod-openapi';
import { ROLES } from '../auth/principal.js';

// The JSON the admin API, the dashboard and the ops routes answer. Objects are open (a field
// added later does not break a client validating against an older document). A handler
// registered with app.openapi compiles only when what it answers fits its route's schema, and
// view-agreement.ts compiles only while each schema and the server's type for it agree.

const count = z.number().int().min(0);
/** The views hand out readonly arrays. */
const list = <T extends z.ZodType>(item: T) => z.array(item).readonly();
const BACKEND = ['wasm', 'native'] as const;

export const VersionSchema = z
  .object({
    id: z.number().int(),
    version: z.string().optional(),
    backend: z.string().optional(),
    isolation: z.string().nullable(),
    state: z.string(),
    sha256: z.string(),
    fileVersion: z.string().nullable(),
    role: z.enum(['active', 'previous', 'twin', 'other']),
    withdrawn: z.boolean(),
    weight: z.number().min(0).max(100),
    calls: count,
    errors: count,
    faults: count,
    inFlight: count,
    memoryBytes: count.optional(),
  })
  .openapi('Version');

export const RouteRuleSchema = z
  .object({ header: z.string(), value: z.string(), version: z.string() })
  .openapi('RouteRule');

export const TrafficSchema = z
  .object({
    weights: z.record(z.string(), z.number().int().min(0)).optional(),
    rules: list(RouteRuleSchema).optional(),
    stickyHeader: z.string().optional(),
  })
  .openapi('Traffic');

export const WithdrawnBuildSchema = z
  .object({
    sha256: z.string(),
    version: z.string().optional(),
    backend: z.enum(BACKEND).optional(),
    reason: z.string(),
  })
  .openapi('WithdrawnBuild');

export const PluginSchema = z
  .object({
    name: z.string(),
    storeRevision: z.number().int().optional(),
    lazy: z.boolean(),
    active: z.string().optional(),
    revision: z.number().int(),
    versions: list(VersionSchema),
    traffic: TrafficSchema,
    withdrawn: list(WithdrawnBuildSchema),
    canary: z
      .object({
        version: z.string(),
        weight: z.number(),
        progressive: z.boolean(),
        calls: count,
        faults: count,
        since: z.number(),
      })
      .optional(),
  })
  .openapi('Plugin');

export const EventSchema = z
  .object({
    type: z.enum([
      'loaded',
      'swapped',
      'rolled-back',
      'canary-step',
      'promoted',
      'load-failed',
      'removed',
      'unloaded',
      'traffic-set',
      'withdrawn',
    ]),
    plugin: z.string(),
    time: z.number(),
    message: z.string(),
    from: z.string().optional(),
    to: z.string().optional(),
    trigger: z.enum(['automatic', 'manual']).optional(),
  })
  .openapi('Event');

export const StoreStatusSchema = z
  .object({
    kind: z.literal('nats'),
    connected: z.boolean(),
    source: z.enum(['store', 'snapshot']),
    refused: list(
      z.object({
        name: z.string(),
        backend: z.enum(BACKEND),
        sha256: z.string(),
        reason: z.string(),
      }),
    ),
  })
  .openapi('StoreStatus');

export const FleetNodeSchema = z
  .object({
    id: z.string(),
    host: z.string(),
    pid: z.number().int(),
    startedAt: z.number(),
    at: z.number(),
    ageMs: z.number(),
    silent: z.boolean(),
    plugins: list(
      z.object({
        name: z.string(),
        active: z.string().optional(),
        versions: list(
          VersionSchema.pick({
            version: true,
            backend: true,
            isolation: true,
            state: true,
            calls: true,
            errors: true,
            faults: true,
          }),
        ),
      }),
    ),
  })
  .openapi('FleetNode');

export const ScopeSchema = z
  .object({ plugins: list(z.string()), versions: list(z.string()).optional() })
  .openapi('Scope');

export const KeySchema = z
  .object({
    id: z.string(),
    role: z.enum(ROLES),
    scope: ScopeSchema,
    label: z.string().optional(),
    rps: count.optional(),
    burst: count.optional(),
    created: z.number(),
    revoked: z.number().optional(),
  })
  .openapi('Key');

export const AuditEntrySchema = z
  .object({
    time: z.string(),
    keyId: z.string().nullable(),
    action: z.string(),
    plugin: z.string().optional(),
    result: z.enum(['ok', 'refused', 'failed']),
    status: z.number().int(),
    code: z.string().optional(),
    traceId: z.string().nullable(),
    pid: z.number().int(),
    details: z.record(z.string(), z.unknown()).optional(),
  })
  .openapi('AuditEntry');

export const MemorySchema = z.object({ budget: count, used: count }).openapi('Memory');

/** A build as the registry reports it (an upload's answer). */
export const BuildSchema = z
  .object({
    id: z.number().int(),
    name: z.string(),
    path: z.string(),
    sha256: z.string(),
    version: z.string().optional(),
    backend: z.enum(BACKEND).optional(),
    isolation: z.enum(['in-process', 'worker', 'process']).optional(),
    fileVersion: z.string().optional(),
    state: z.enum(['loading', 'validating', 'active', 'draining', 'standby', 'closed', 'failed']),
    inFlight: count,
    resident: z.boolean(),
  })
  .openapi('Build');
