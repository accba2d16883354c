import { PluginError, toPluginError } from '../errors.js';
import type { CallOptions, Plugin } from '../plugin.js';
import type { ServedVersion, SlotEvent, VersionSnapshot, VersionState } from './events.js';
import { type DrainOutcome, Leases } from './leases.js';

/** Where a version comes from; `load` gives a fresh instance of exactly these bytes. */
export interface VersionSource {
  readonly name: string;
  readonly path: string;
  readonly sha256: string;
  /** sha256 plus every load option that changes behaviour: equal keys load equal plugins. */
  readonly loadKey: string;
  readonly load: () => Promise<Plugin>;
}

let nextId = 1;

/**
 * One loaded build of a plugin. Calls go through {@link Leases}; the instance itself may be
 * unloaded while the version is idle and loaded again, from the same bytes, by the next call.
 * The slot owns the state transitions; the version enforces that nothing runs once closed.
 */
export class PluginVersion {
  readonly id = nextId++;
  readonly source: VersionSource;
  readonly #leases = new Leases();
  readonly #emit: (event: SlotEvent) => void;
  #state: VersionState = 'loading';
  #plugin: Plugin | undefined;
  #info: Plugin['info'] | undefined;
  #backend: Plugin['backend'] | undefined;
  #isolation: Plugin['isolation'] | undefined;
  #fileVersion: string | undefined;
  #served: ServedVersion | undefined;
  #resuming: Promise<Plugin> | undefined;
  #unloading: Promise<void> | undefined;
  #closing: Promise<void> | undefined;
  #abandoned = 0;

  constructor(source: VersionSource, emit: (event: SlotEvent) => void) {
    this.source = source;
    this.#emit = emit;
  }

  get state(): VersionState {
    return this.#state;
  }

  set state(state: VersionState) {
    this.#state = state;
    if (state === 'active') this.#leases.cancelDrain();
  }

  get info(): Plugin['info'] | undefined {
    return this.#info;
  }

  get backend(): Plugin['backend'] | undefined {
    return this.#backend;
  }

  /** False while the instance is unloaded for idleness. */
  get resident(): boolean {
    return this.#plugin !== undefined;
  }

  get inFlight(): number {
    return this.#leases.count;
  }

  /** Callers released with PLUGIN_DRAIN_TIMEOUT so far. */
  get abandoned(): number {
    return this.#abandoned;
  }

  /** Orders the versions by their last call's end (or their making): least recently used first. */
  get lastUse(): number {
    return this.#leases.lastUse;
  }

  /** Date.now() of the last call's end; idle unloading counts from here. */
  get lastUsed(): number {
    return this.#leases.lastReleased;
  }

  /** Which build this is, made once: what a call reports as the version that served it. */
  get served(): ServedVersion {
    this.#served ??= Object.freeze({
      id: this.id,
      sha256: this.source.sha256,
      version: this.#info?.version,
      backend: this.#backend,
      isolation: this.#isolation,
    });
    return this.#served;
  }

  snapshot(): VersionSnapshot {
    return {
      id: this.id,
      name: this.source.name,
      path: this.source.path,
      sha256: this.source.sha256,
      version: this.#info?.version,
      backend: this.#backend,
      isolation: this.#isolation,
      fileVersion: this.#fileVersion,
      state: this.#state,
      inFlight: this.#leases.count,
      resident: this.#plugin !== undefined,
    };
  }

  /** Records the loaded instance: the version moves on to validation. */
  attach(plugin: Plugin, fileVersion: string | undefined): void {
    this.#plugin = plugin;
    this.#info = plugin.info;
    this.#backend = plugin.backend;
    this.#isolation = plugin.isolation;
    this.#fileVersion = fileVersion;
    this.#served = undefined;
    this.#state = 'validating';
  }

  /** Runs one call under a lease; the slot routes calls only to the active version. */
  call(input: Uint8Array, options?: CallOptions): Promise<Uint8Array> {
    if (this.#closing !== undefined) {
      return Promise.reject(new PluginError('PLUGIN_CLOSED', 'this plugin version is closed'));
    }
    const plugin = this.#plugin;
    return this.#leases.run(() =>
      plugin !== undefined
        ? plugin.processData(input, options)
        : this.#resume().then((resumed) => resumed.processData(input, options)),
    );
  }

  /**
   * Waits for the leases to end; at the timeout, abandons the callers still waiting unless the
   * version serves again or `retained()` says it stays loaded.
   */
  async drain(
    timeoutMs: number,
    retained: () => boolean = () => false,
  ): Promise<{ outcome: DrainOutcome; abandoned: number }> {
    const outcome = await this.#leases.whenDrained(timeoutMs);
    if (outcome !== 'timeout' || this.#state === 'active' || retained())
      return { outcome, abandoned: 0 };
    const abandoned = this.#leases.abandonAll(
      `call abandoned: ${this.source.name} ${this.#info?.version ?? ''} was replaced and its drain timeout of ${timeoutMs} ms passed`,
    );
    this.#abandoned += abandoned;
    return { outcome, abandoned };
  }

  /** What the loaded instance holds ({@link PluginStats.memoryBytes}); 0 while unloaded. */
  memoryBytes(): number {
    return this.#plugin?.stats().memoryBytes ?? 0;
  }

  /**
   * Unloads the instance of an idle version (no lease held), for idleness or for the memory
   * budget; the next call loads it again.
   */
  unloadIdle(reason: 'idle' | 'budget' = 'idle', memoryBytes = this.memoryBytes()): boolean {
    const plugin = this.#plugin;
    if (plugin === undefined || this.#leases.count > 0 || this.#closing !== undefined) return false;
    this.#plugin = undefined;
    const unloading = plugin.close().catch(() => {});
    this.#unloading = unloading.finally(() => {
      if (this.#unloading === unloading) this.#unloading = undefined;
    });
    this.#emit({
      type: 'unloaded',
      version: this.snapshot(),
      idleMs: Date.now() - this.lastUsed,
      reason,
      memoryBytes,
    });
    return true;
  }

  /** Closes the instance (the plugin's close waits for its own calls), once. */
  close(): Promise<void> {
    this.#closing ??= this.#closeInstance();
    return this.#closing;
  }

  async #closeInstance(): Promise<void> {
    await this.#resuming?.catch(() => {});
    const plugin = this.#plugin;
    this.#plugin = undefined;
    try {
      await Promise.all([plugin?.close(), this.#unloading]);
    } catch {
      // Cleanup failed: the instance is dropped all the same and nothing calls it again.
    }
  }

  #resume(): Promise<Plugin> {
    this.#resuming ??= this.#loadAgain().finally(() => {
      this.#resuming = undefined;
    });
    return this.#resuming;
  }

  async #loadAgain(): Promise<Plugin> {
    const started = performance.now();
    try {
      const plugin = await this.source.load();
      this.#plugin = plugin;
      const durationMs = performance.now() - started;
      this.#emit({ type: 'resumed', version: this.snapshot(), durationMs });
      return plugin;
    } catch (error) {
      const failure = toPluginError(error, 'PLUGIN_LOAD_FAILED', 'cannot load the version again');
      this.#emit({
        type: 'failed',
        path: this.source.path,
        stage: 'resume',
        error: failure,
        version: this.snapshot(),
      });
      throw failure;
    }
  }
}
