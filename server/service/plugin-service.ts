import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  createRegistry,
  isValidPluginName,
  PluginError,
  type PluginFolder,
  type PluginLoader,
  type PluginRegistry,
  parseManifest,
  watchPluginFolder,
} from '../../runtime/index.js';
import type { ServerConfig } from '../config/server-config.js';
import { ServerError } from '../errors/server-error.js';
import { NatsControlStore, type StoreStatus } from '../fleet/nats-control-store.js';
import { type FleetNodeView, listNodes, Presence } from '../fleet/presence.js';
import { EventFeed } from '../observability/event-feed.js';
import type { Logger } from '../observability/logger.js';
import type { MemoryReading, ServerMetrics } from '../observability/server-metrics.js';
import type { ControlStore } from '../rollout/control-store.js';
import { FolderControlStore } from '../rollout/folder-control-store.js';
import type { Rollout } from '../rollout/rollout.js';
import type { RouteRequest } from '../rollout/routing-snapshot.js';
import type { UploadRequest, UploadResult } from '../rollout/staged-upload.js';
import type { Traffic } from '../routing/traffic.js';
import { type CallContext, type CallResult, type CallSignal, callPlugin } from './call-plugin.js';
import { describePlugin, type PluginView } from './describe.js';
import { onRegistryEvent } from './registry-events.js';
import { Rollouts } from './rollouts.js';
import { TwinSide } from './twins.js';
import { checkUpload } from './upload-checks.js';

export interface PluginServiceOptions {
  readonly config: ServerConfig;
  readonly log: Logger;
  readonly metrics: ServerMetrics;
  /** Loads each version (default: the runtime's loadPlugin, in its default isolation). */
  readonly loadPlugin?: PluginLoader;
  /** How often canaries are judged for steps and promotion (default 1 s). */
  readonly canaryTickMs?: number;
}

function notFound(name: string): PluginError {
  return new PluginError('PLUGIN_NOT_FOUND', `no plugin named "${name}"`, { details: { name } });
}

/**
 * The plugins one server process serves: a registry kept in step with the watched plugins
 * folder, and each plugin's {@link Rollout} (the one owner of its routing, canary and
 * withdrawn builds), persisted through the folder's control store. Knows nothing of HTTP.
 */
export class PluginService {
  readonly feed = new EventFeed();
  readonly #config: ServerConfig;
  readonly #registry: PluginRegistry;
  readonly #twins: TwinSide | undefined;
  readonly #store: ControlStore;
  readonly #fleet: NatsControlStore | undefined;
  #presence: Presence | undefined;
  readonly #rollouts: Rollouts;
  readonly #folder: PluginFolder;
  readonly #stopLoop: () => void;
  readonly #callContext: CallContext;
  #ready = false;
  #closing: Promise<void> | undefined;
  /** Resolves once the folder's plugins are loaded and the routing file applied. */
  readonly ready: Promise<void>;

  constructor(options: PluginServiceOptions) {
    const { config, log, metrics } = options;
    this.#config = config;
    this.#registry = createRegistry({
      drainTimeoutMs: config.drainTimeoutMs,
      // The previous version stays loaded until the next swap: canaries split traffic with it.
      retentionMs: Number.POSITIVE_INFINITY,
      ...(config.memoryBudget > 0 ? { memoryBudget: config.memoryBudget } : {}),
      ...(options.loadPlugin === undefined ? {} : { loadPlugin: options.loadPlugin }),
    });
    this.#twins = config.twins
      ? new TwinSide(config.plugins, config.prefer, log, options.loadPlugin)
      : undefined;
    this.#callContext = { registry: this.#registry, twins: this.#twins };
    this.#fleet =
      config.store === ''
        ? undefined
        : new NatsControlStore({
            servers: config.store,
            plugins: config.plugins,
            log,
            load: (build) => this.#rollouts.for(build.name).followBuild(build),
            collection: config.gc,
            collected: ({ size }) => {
              metrics.collectedObjects.inc();
              metrics.collectedObjectBytes.inc(size);
            },
          });
    this.#store = this.#fleet ?? new FolderControlStore(config.plugins);
    this.#rollouts = new Rollouts({
      config,
      registry: this.#registry,
      twins: this.#twins?.registry,
      store: this.#store,
      feed: this.feed,
      metrics,
      log,
      now: Date.now,
      readContentType: (name) => this.#readContentType(name),
    });
    const context = { rollouts: this.#rollouts, feed: this.feed, metrics, log };
    this.#registry.events.onAny((event) => onRegistryEvent(context, event));
    metrics.measureMemory(() => this.#memoryReadings());
    this.#folder = this.#watchFolder(log);
    const timer = setInterval(() => {
      for (const rollout of this.#rollouts.values()) rollout.tick();
    }, options.canaryTickMs ?? 1000);
    timer.unref();
    this.#stopLoop = () => clearInterval(timer);
    this.ready = this.#start();
  }

  #watchFolder(log: Logger): PluginFolder {
    const folder = watchPluginFolder(this.#registry, this.#config.plugins, {
      prefer: this.#config.prefer,
      serialize: (name, sync) => this.#rollouts.followFolder(name, sync),
    });
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

  /** Waits for the folder's plugins, then applies the stored rollouts. */
  async #start(): Promise<void> {
    await Promise.all([this.#folder.ready, this.#twins?.ready]);
    const records = await this.#store.start((changed) =>
      this.#rollouts.applyStored(changed, false),
    );
    this.#rollouts.applyStored(records, true);
    await this.#caughtUp();
    await Promise.all([...this.#rollouts.values()].map((rollout) => rollout.sync()));
    this.#ready = true;
    this.#announce();
  }

  /** In a fleet: this node's presence entry, written every interval (retried until connected). */
  #announce(): void {
    if (this.#fleet === undefined || this.#closing !== undefined) return;
    const nodes = this.#fleet.nodes;
    if (nodes !== undefined)
      this.#presence = new Presence(this.#fleet.node, nodes, () => this.list());
    else setTimeout(() => this.#announce(), 1000).unref();
  }

  /** Every node of the fleet with its versions and calls; undefined in folder mode. */
  async fleetNodes(): Promise<FleetNodeView[] | undefined> {
    const nodes = this.#fleet?.nodes;
    if (nodes === undefined) return this.#fleet === undefined ? undefined : [];
    return listNodes(nodes);
  }

  /** In a fleet: waits (bounded) until the builds the store names serve here, then says ready. */
  async #caughtUp(): Promise<void> {
    const fleet = this.#fleet;
    if (fleet === undefined) return;
    await fleet.settled();
    const deadline = Date.now() + this.#config.uploadTimeoutMs;
    const serves = ({ name, sha256 }: { name: string; sha256: string }) =>
      [this.#registry, this.#twins?.registry].some(
        (registry) => registry?.get(name)?.active?.sha256 === sha256,
      );
    // A readiness probe on the registry, bounded: the folder watcher loads what was deployed.
    while (Date.now() < deadline && !fleet.expected().every(serves))
      await new Promise((resolve) => setTimeout(resolve, 50));
  }

  /** The fleet store's state for /readyz and the admin API; undefined in folder mode. */
  storeStatus(): StoreStatus | undefined {
    return this.#fleet?.status();
  }

  async #readContentType(name: string): Promise<string | undefined> {
    const path = join(this.#config.plugins, name, 'plugin.json');
    try {
      return parseManifest(await readFile(path, 'utf8'), name, path).contentType;
    } catch {
      return undefined;
    }
  }

  /** True once loaded and until shutdown starts. */
  get isReady(): boolean {
    return this.#ready && this.#closing === undefined;
  }

  get pluginsDir(): string {
    return this.#folder.dir;
  }

  /** `signal`: the caller's, asked for when the call may wait for it ({@link CallSignal}). */
  call(
    name: string,
    input: Uint8Array,
    request: RouteRequest,
    signal?: CallSignal,
  ): Promise<CallResult> {
    return callPlugin(this.#callContext, this.#rollouts.get(name), name, input, request, signal);
  }

  list(): PluginView[] {
    const memory = this.#registry.memoryByVersion();
    return this.#registry
      .list()
      .map((slot) => this.describe(slot.name, memory))
      .filter((view) => view !== undefined)
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  describe(name: string, memory = this.#registry.memoryByVersion()): PluginView | undefined {
    const slot = this.#registry.get(name);
    const rollout = this.#rollouts.get(name);
    if (slot === undefined || rollout === undefined) return undefined;
    const view = describePlugin(rollout, slot, Date.now(), this.#twins?.registry.get(name)?.active);
    const versions = view.versions.map((v) => ({ ...v, memoryBytes: memory.get(v.id) ?? 0 }));
    const storeRevision = this.#fleet?.revision(name);
    return storeRevision === undefined
      ? { ...view, versions }
      : { ...view, versions, storeRevision };
  }

  /** The memory budget and what the plugins hold now; undefined without a budget. */
  memory(): { budget: number; used: number } | undefined {
    return this.#registry.memory();
  }

  /** Each loaded version's memory, for twinplug_plugin_memory_bytes. */
  *#memoryReadings(): Generator<MemoryReading> {
    const memory = this.#registry.memoryByVersion();
    for (const slot of this.#registry.list())
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

  #rollout(name: string): Rollout {
    const rollout = this.#rollouts.get(name);
    if (rollout === undefined || !this.#registry.has(name)) throw notFound(name);
    return rollout;
  }

  upload(request: UploadRequest): Promise<UploadResult> {
    checkUpload(this.#config, request);
    return this.#rollouts.for(request.name).upload(request);
  }

  async activate(name: string, version: string): Promise<PluginView> {
    await this.#rollout(name).activate(version);
    return this.describe(name)!;
  }

  async withdraw(name: string, version: string): Promise<PluginView> {
    await this.#rollout(name).withdraw(version);
    return this.describe(name)!;
  }

  /** `basedOn`: the store revision the admin read (If-Match); a change made since is a 409. */
  async setTraffic(name: string, traffic: Traffic, basedOn?: number): Promise<PluginView> {
    await this.#withState(name, this.#rollout(name).setTraffic(traffic, basedOn));
    return this.describe(name)!;
  }

  /** A change that lost a compare-and-set to another node answers with the state now. */
  async #withState(name: string, change: Promise<void>): Promise<void> {
    try {
      await change;
    } catch (error) {
      if (!(error instanceof ServerError) || error.code !== 'ROLLOUT_CONFLICT') throw error;
      throw new ServerError(error.code, error.message, {
        ...error.details,
        current: this.describe(name),
      });
    }
  }

  /** One of several rollbacks at once wins; the others get ROLLOUT_CONFLICT with the state now. */
  async rollback(name: string, reason = 'requested by the admin API'): Promise<PluginView> {
    try {
      await this.#rollout(name).rollback({ trigger: 'manual', reason });
    } catch (error) {
      if (!(error instanceof ServerError) || error.code !== 'ROLLOUT_CONFLICT') throw error;
      throw new ServerError(error.code, error.message, { current: this.describe(name) });
    }
    return this.describe(name)!;
  }

  /** Deletes the plugin's folder; every process's watcher unloads it. Resolves once unloaded here. */
  async remove(name: string): Promise<void> {
    if (!isValidPluginName(name) || !this.#registry.has(name)) throw notFound(name);
    const removed = this.#registry.events.next('removed', (event) => event.name === name);
    await this.#rollout(name).remove();
    await removed;
  }

  /** Stops watching, then drains every version and runs each plugin's Cleanup. */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      this.#stopLoop();
      this.#presence?.stop();
      this.#store.close();
      await this.ready.catch(() => {});
      await this.#folder.close();
      await Promise.all([this.#registry.close(), this.#twins?.close()]);
    })();
    return this.#closing;
  }
}
