import { PluginError, toPluginError } from './errors.js';
import type { ArtifactIdentity, Backend, Plugin, PluginInfo } from './plugin.js';

/**
 * What a backend implements. The lifecycle rules (no call after close, close waits for calls
 * in flight, close runs once) live in {@link ManagedPlugin}, not in each backend.
 */
export interface PluginCore {
  readonly backend: Backend;
  readonly info: PluginInfo;
  readonly exports: readonly string[];
  /** Calls Initialize (when exported) with the config bytes; the loader calls it once, before any call. */
  initialize(config: Uint8Array): void | Promise<void>;
  /** Runs ProcessData; returns synchronously when the backend runs in this thread. */
  call(input: Uint8Array): Uint8Array | Promise<Uint8Array>;
  /** Calls Cleanup when the plugin was initialised, then unloads. Never called twice. */
  dispose(): void | Promise<void>;
}

const CLOSED_MESSAGE = 'plugin is closed';

/** The {@link Plugin} every backend hands out: one core behind one lifecycle guard. */
export class ManagedPlugin implements Plugin {
  readonly artifact: ArtifactIdentity;
  #core: PluginCore;
  #closing: Promise<void> | undefined;
  #inFlight = 0;
  #drained: (() => void) | undefined;

  constructor(core: PluginCore, artifact: ArtifactIdentity) {
    this.#core = core;
    this.artifact = artifact;
  }

  get info(): PluginInfo {
    return this.#core.info;
  }

  get backend(): Backend {
    return this.#core.backend;
  }

  get exports(): readonly string[] {
    return this.#core.exports;
  }

  get closed(): boolean {
    return this.#closing !== undefined;
  }

  processData(input: Uint8Array): Promise<Uint8Array> {
    if (this.#closing !== undefined)
      return Promise.reject(new PluginError('PLUGIN_CLOSED', CLOSED_MESSAGE));
    if (!(input instanceof Uint8Array)) {
      return Promise.reject(
        new PluginError('PLUGIN_INVALID_INPUT', 'processData takes a Uint8Array'),
      );
    }
    let result: Uint8Array | Promise<Uint8Array>;
    try {
      result = this.#core.call(input);
    } catch (error) {
      return Promise.reject(toPluginError(error, 'PLUGIN_CALL_FAILED', 'ProcessData failed'));
    }
    if (result instanceof Uint8Array) return Promise.resolve(result);
    return this.#track(result);
  }

  close(): Promise<void> {
    this.#closing ??= this.#drainThenDispose();
    return this.#closing;
  }

  async #track(call: Promise<Uint8Array>): Promise<Uint8Array> {
    this.#inFlight += 1;
    try {
      return await call;
    } catch (error) {
      throw toPluginError(error, 'PLUGIN_CALL_FAILED', 'ProcessData failed');
    } finally {
      this.#inFlight -= 1;
      if (this.#inFlight === 0) this.#drained?.();
    }
  }

  async #drainThenDispose(): Promise<void> {
    if (this.#inFlight > 0) {
      await new Promise<void>((resolve) => {
        this.#drained = resolve;
      });
    }
    await this.#core.dispose();
  }
}
