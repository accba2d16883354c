import type { PluginRegistry } from '../../runtime/index.js';
import type { ServerConfig } from '../config/server-config.js';
import type { EventFeed } from '../observability/event-feed.js';
import type { Logger } from '../observability/logger.js';
import type { ServerMetrics } from '../observability/server-metrics.js';
import type { ControlStore } from './control-store.js';

/** What every plugin's Rollout shares: the registries it drives, the store, where it reports. */
export interface RolloutDeps {
  readonly config: ServerConfig;
  readonly registry: PluginRegistry;
  /** The parity side's registry (the other backend's builds); undefined when twins are off. */
  readonly twins: PluginRegistry | undefined;
  readonly store: ControlStore;
  readonly feed: EventFeed;
  readonly metrics: ServerMetrics;
  readonly log: Logger;
  readonly now: () => number;
  /** plugin.json's contentType, read when a build is activated. */
  readonly readContentType: (name: string) => Promise<string | undefined>;
}
