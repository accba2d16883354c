import {
  createRegistry,
  type PluginFolder,
  type PluginLoader,
  watchPluginFolder,
} from '../../runtime/index.js';
import type { ServerConfig } from '../config/server-config.js';
import { EventFeed } from '../observability/event-feed.js';
import type { Logger } from '../observability/logger.js';
import type { MemoryReading, ServerMetrics } from '../observability/server-metrics.js';
import type { PluginRoute, RouteRequest } from '../routing/plugin-route.js';
import { type RoutingState, RoutingStore } from '../routing/routing-store.js';
import type { Traffic } from '../routing/traffic.js';
import { activateVersion, removePlugin, setTraffic } from './admin-actions.js';
import { type CallResult, callPlugin } from './call-plugin.js';
import { startCanaryLoop } from './canary-loop.js';
import { describePlugin, type PluginView } from './describe.js';
import { onRegistryEvent, readContentType } from './on-registry-event.js';
import { applyStoredState, rollbackPlugin } from './rollback.js';
import { routeOf, type ServiceContext } from './service-context.js';
import { TwinSide } from './twins.js';
import { type UploadRequest, type UploadResult, uploadVersion } from './upload.js';

export interface PluginServiceOptions {
  readonly config: ServerConfig;
  readonly log: Logger;
  readonly metrics: ServerMetrics;
  /** Loads each version (default: the runtime's loadPlugin, in its default isolation). */
  readonly loadPlugin?: PluginLoader;
  /** How often canaries are judged for steps and promotion (default 1 s). */
  readonly canaryTickMs?: number;
}

/**
 * The plugins one server process serves: a registry kept in step with the watched plugins
 * folder, routes with traffic policies and canaries, and the routing file shared with the
 * other processes serving the same folder. Knows nothing of HTTP.
 */
export class PluginService {
  readonly feed = new EventFeed();
  readonly #ctx: ServiceContext;
  readonly #folder: PluginFolder;
  readonly #applied = new Map<string, number>();
  readonly #stopLoop: () => void;
  #ready = false;
  #closing: Promise<void> | undefined;
  /** Resolves once the folder's plugins are loaded and the routing file applied. */
  readonly ready: Promise<void>;

  constructor(options: PluginServiceOptions) {
    const { config, log, metrics } = options;
    const registry = createRegistry({
      drainTimeoutMs: config.drainTimeoutMs,
      // The previous version stays loaded until the next swap: canaries split traffic with it.
      retentionMs: Number.POSITIVE_INFINITY,
      ...(config.memoryBudget > 0 ? { memoryBudget: config.memoryBudget } : {}),
      ...(options.loadPlugin === undefined ? {} : { loadPlugin: options.loadPlugin }),
    });
    const store = new RoutingStore(config.plugins, (state) => void this.#apply(state, false));
    const twins = config.twins
      ? new TwinSide(config.plugins, config.prefer, log, options.loadPlugin)
      : undefined;
    this.#ctx = {
      config,
      registry,
      twins,
      routes: new Map(),
      feed: this.feed,
      metrics,
      log,
      store,
      rollingBack: new Set(),
      now: Date.now,
    };
    registry.events.onAny((event) => onRegistryEvent(this.#ctx, event));
    metrics.measureMemory(() => this.#memoryReadings());
    this.#folder = this.#watchFolder();
    this.#stopLoop = startCanaryLoop(this.#ctx, options.canaryTickMs ?? 1000);
    this.ready = this.#start(this.#folder, store);
  }

  #watchFolder(): PluginFolder {
    const { registry, config, log } = this.#ctx;
    const folder = watchPluginFolder(registry, config.plugins, { prefer: config.prefer });
    folder.events.on('failed', (event) =>
      log.warn(
        { plugin: event.name, code: event.error.code, err: event.error.message },
        'plugin folder refused',
      ),
    );
    folder.events.on('error', (event) =>
      log.error({ err: event.error }, 'plugin folder watcher failed'),
    );
    return folder;
  }

  /** Waits for the folder's plugins, reads their content types, then applies the routing file. */
  async #start(folder: PluginFolder, store: RoutingStore): Promise<void> {
    const ctx = this.#ctx;
    await Promise.all([folder.ready, ctx.twins?.ready]);
    for (const slot of ctx.registry.list()) {
      const route = routeOf(ctx, slot.name);
      if (route !== undefined) await readContentType(ctx, route);
    }
    await this.#apply(await store.start(), true);
    this.#ready = true;
  }

  /** True once loaded and until shutdown starts. */
  get isReady(): boolean {
    return this.#ready && this.#closing === undefined;
  }

  get pluginsDir(): string {
    return this.#folder.dir;
  }

  call(name: string, input: Uint8Array, request: RouteRequest): Promise<CallResult> {
    return callPlugin(
      this.#ctx,
      this.#ctx.routes.get(name) ?? routeOf(this.#ctx, name),
      name,
      input,
      request,
    );
  }

  /** The media type of a plugin's output: plugin.json's contentType, else application/octet-stream. */
  contentType(name: string): string {
    return this.#ctx.routes.get(name)?.contentType ?? 'application/octet-stream';
  }

  list(): PluginView[] {
    const memory = this.#ctx.registry.memoryByVersion();
    return [...this.#ctx.registry.list()]
      .map((slot) => routeOf(this.#ctx, slot.name))
      .filter((route) => route !== undefined)
      .map((route) => this.#view(route, memory))
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  describe(name: string): PluginView | undefined {
    const route = routeOf(this.#ctx, name);
    return route === undefined ? undefined : this.#view(route);
  }

  #view(route: PluginRoute, memory = this.#ctx.registry.memoryByVersion()): PluginView {
    const view = describePlugin(
      route,
      Date.now(),
      this.#ctx.twins?.registry.get(route.name)?.active,
    );
    const versions = view.versions.map((v) => ({ ...v, memoryBytes: memory.get(v.id) ?? 0 }));
    return { ...view, versions };
  }

  /** The memory budget and what the plugins hold now; undefined without a budget. */
  memory(): { budget: number; used: number } | undefined {
    return this.#ctx.registry.memory();
  }

  /** Each loaded version's memory, for twinplug_plugin_memory_bytes. */
  *#memoryReadings(): Generator<MemoryReading> {
    const memory = this.#ctx.registry.memoryByVersion();
    for (const slot of this.#ctx.registry.list())
      for (const version of slot.versions) {
        const bytes = memory.get(version.id);
        if (bytes === undefined) continue;
        const labels = {
          plugin: slot.name,
          version: version.version ?? '',
          backend: version.backend ?? '',
        };
        yield [labels, bytes];
      }
  }

  upload(request: UploadRequest): Promise<UploadResult> {
    return uploadVersion(this.#ctx, request);
  }

  async activate(name: string, version: string): Promise<PluginView> {
    return this.#view(await activateVersion(this.#ctx, name, version));
  }

  async setTraffic(name: string, traffic: Traffic): Promise<PluginView> {
    return this.#view(await setTraffic(this.#ctx, name, traffic));
  }

  async rollback(name: string, reason = 'requested by the admin API'): Promise<PluginView> {
    await rollbackPlugin(this.#ctx, name, { trigger: 'manual', reason });
    return this.describe(name)!;
  }

  remove(name: string): Promise<void> {
    return removePlugin(this.#ctx, name);
  }

  /** Stops watching, then drains every version and runs each plugin's Cleanup. */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      this.#stopLoop();
      this.#ctx.store.close();
      await this.ready.catch(() => {});
      await this.#folder.close();
      await Promise.all([this.#ctx.registry.close(), this.#ctx.twins?.close()]);
    })();
    return this.#closing;
  }

  async #apply(state: RoutingState, initial: boolean): Promise<void> {
    try {
      await applyStoredState(this.#ctx, state, this.#applied, initial);
    } catch (error) {
      this.#ctx.log.error({ err: error }, 'cannot apply the routing file');
    }
  }
}
