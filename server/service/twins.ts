import {
  type Backend,
  createRegistry,
  type PluginFolder,
  type PluginLoader,
  type PluginRegistry,
  type VersionSnapshot,
  watchPluginFolder,
} from '../../runtime/index.js';
import type { Logger } from '../observability/logger.js';

/** A twin unused this long is unloaded; the next pinned call loads it again. */
const TWIN_IDLE_UNLOAD_MS = 60_000;

/**
 * The parity side: a second registry over the same folder preferring the other backend, so a
 * request pinned with X-Plugin-Backend reaches the twin the main registry does not serve (the
 * native DLL beside its Wasm build). It follows the folder only (no canary, no traffic split)
 * and unloads what is not called.
 */
export class TwinSide {
  readonly registry: PluginRegistry;
  readonly #folder: PluginFolder;
  readonly ready: Promise<void>;

  constructor(dir: string, prefer: Backend, log: Logger, loadPlugin: PluginLoader | undefined) {
    this.registry = createRegistry({
      retentionMs: 0,
      idleUnloadMs: TWIN_IDLE_UNLOAD_MS,
      ...(loadPlugin === undefined ? {} : { loadPlugin }),
    });
    this.registry.events.on('failed', (event) =>
      log.debug({ plugin: event.name, code: event.error.code }, 'twin refused'),
    );
    // Only the other backend: a folder with one build would otherwise load it twice per swap.
    this.#folder = watchPluginFolder(this.registry, dir, {
      prefer: prefer === 'wasm' ? 'native' : 'wasm',
      only: prefer === 'wasm' ? 'native' : 'wasm',
    });
    this.ready = this.#folder.ready;
  }

  /** The twin's active version when it is of `backend` (and `version`, if given). */
  find(name: string, backend: Backend, version: string | undefined): VersionSnapshot | undefined {
    const active = this.registry.get(name)?.active;
    if (active?.backend !== backend) return undefined;
    return version === undefined || active.version === version ? active : undefined;
  }

  async close(): Promise<void> {
    await this.ready.catch(() => {});
    await this.#folder.close();
    await this.registry.close();
  }
}
