import type { PluginRegistry } from '../../runtime/index.js';
import type { ServerConfig } from '../config/server-config.js';
import type { EventFeed } from '../observability/event-feed.js';
import type { Logger } from '../observability/logger.js';
import type { ServerMetrics } from '../observability/server-metrics.js';
import { PluginRoute } from '../routing/plugin-route.js';
import type { RoutingStore } from '../routing/routing-store.js';
import type { TwinSide } from './twins.js';

/** What the service's parts share: one registry, its routes, and where they report. */
export interface ServiceContext {
  readonly config: ServerConfig;
  readonly registry: PluginRegistry;
  readonly routes: Map<string, PluginRoute>;
  readonly feed: EventFeed;
  readonly metrics: ServerMetrics;
  readonly log: Logger;
  readonly store: RoutingStore;
  /** The other backend's builds, for requests pinned to it; undefined when twins are off. */
  readonly twins: TwinSide | undefined;
  /** Plugins whose rollback is running, so concurrent faults start only one. */
  readonly rollingBack: Set<string>;
  readonly now: () => number;
}

/** The route of a plugin the registry knows, created on first sight and kept in step with it. */
export function routeOf(ctx: ServiceContext, name: string): PluginRoute | undefined {
  let route = ctx.routes.get(name);
  const slot = ctx.registry.get(name);
  if (slot === undefined) return route;
  if (route === undefined) {
    route = new PluginRoute(name);
    ctx.routes.set(name, route);
  }
  route.refresh(slot);
  return route;
}
