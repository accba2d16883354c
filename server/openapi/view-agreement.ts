import type { z } from '@hono/zod-openapi';
import type { VersionSnapshot } from '../../runtime/index.js';
import type { AuditEntry } from '../auth/audit-log.js';
import type { KeyView } from '../auth/key-record.js';
import type { Scope } from '../auth/principal.js';
import type { DashboardSchema, FleetViewSchema, SeriesSchema } from '../dashboard/dashboard-api.js';
import type { FleetData } from '../dashboard/fleet-view.js';
import type { DashboardData } from '../dashboard/render.js';
import type { StoreStatus } from '../fleet/nats-control-store.js';
import type { FleetNodeView } from '../fleet/presence.js';
import type { FeedEvent } from '../observability/event-feed.js';
import type { VersionSeries } from '../observability/version-series.js';
import type { WithdrawnBuild } from '../rollout/control-store.js';
import type { RouteRule, Traffic } from '../routing/traffic.js';
import type { PluginView, VersionView } from '../service/describe.js';
import type { PluginService } from '../service/plugin-service.js';
import type * as View from './view-schemas.js';

// The response schemas describe types the server already has (with their comments, used well
// beyond the routes). This file keeps each pair one definition in two spellings: it compiles only
// while every schema and its type agree field by field, both ways.

/** A type as its JSON reads: nothing readonly, a field that may be undefined is optional. */
type Json<T> = T extends readonly (infer I)[]
  ? Json<I>[]
  : T extends object
    ? Flat<
        {
          -readonly [K in keyof T as undefined extends T[K] ? K : never]?: Json<
            Exclude<T[K], undefined>
          >;
        } & {
          -readonly [K in keyof T as undefined extends T[K] ? never : K]: Json<T[K]>;
        }
      >
    : T;
type Flat<T> = { [K in keyof T]: T[K] };

/** True when the schema's output and the type are the same JSON (not merely assignable). */
type Agrees<S extends z.ZodType, T> =
  (<G>() => G extends Json<z.output<S>> ? 1 : 2) extends <G>() => G extends Json<T> ? 1 : 2
    ? true
    : false;
type Check<T extends true> = T;

export type ViewSchemasAgree = [
  Check<Agrees<typeof View.VersionSchema, VersionView>>,
  Check<Agrees<typeof View.RouteRuleSchema, RouteRule>>,
  Check<Agrees<typeof View.TrafficSchema, Traffic>>,
  Check<Agrees<typeof View.WithdrawnBuildSchema, WithdrawnBuild>>,
  Check<Agrees<typeof View.PluginSchema, PluginView>>,
  Check<Agrees<typeof View.EventSchema, FeedEvent>>,
  Check<Agrees<typeof View.StoreStatusSchema, StoreStatus>>,
  Check<Agrees<typeof View.FleetNodeSchema, FleetNodeView>>,
  Check<Agrees<typeof View.ScopeSchema, Scope>>,
  Check<Agrees<typeof View.KeySchema, KeyView>>,
  Check<Agrees<typeof View.AuditEntrySchema, AuditEntry>>,
  Check<Agrees<typeof View.MemorySchema, NonNullable<ReturnType<PluginService['memory']>>>>,
  Check<Agrees<typeof View.BuildSchema, VersionSnapshot>>,
  Check<Agrees<typeof SeriesSchema, VersionSeries>>,
  Check<Agrees<typeof FleetViewSchema, FleetData>>,
  Check<Agrees<typeof DashboardSchema, DashboardData>>,
];
/** Not vacuous: a field missing, a type widened, or an optional field added each fail it. */
export type AgreementFails = [
  // @ts-expect-error a field the type lacks
  Check<Agrees<typeof View.VersionSchema, Omit<VersionView, 'memoryBytes'>>>,
  // @ts-expect-error a type wider than the schema's
  Check<Agrees<typeof View.VersionSchema, Omit<VersionView, 'role'> & { readonly role: string }>>,
  // @ts-expect-error an optional field the schema lacks
  Check<Agrees<typeof View.VersionSchema, VersionView & { readonly extra?: number }>>,
];
