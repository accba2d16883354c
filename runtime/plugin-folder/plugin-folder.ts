import { relative, resolve, sep } from 'node:path';
import { type FSWatcher, watch } from 'chokidar';
import { isPluginError, type PluginError } from '../errors.js';
import { isValidPluginName } from '../plugin-info.js';
import { type PluginRegistry, TypedEvents } from '../registry/index.js';
import {
  type PluginFolderOptions,
  type ResolvedFolderOptions,
  resolveFolderOptions,
} from './folder-options.js';
import { isPluginFile, orderArtifacts, withOnly } from './folder-scan.js';
import { folderSource } from './folder-source.js';
import { KeyedJobs } from './keyed-jobs.js';
import { type PluginManifest, readManifest } from './manifest.js';
import { lookAtFolder, settleFolder } from './settle.js';

/** What a watched folder reports beside the registry's own events. */
export type FolderEvent =
  | { type: 'ready'; time: number; plugins: string[] }
  /** A plugin folder that cannot be used as it is (an invalid plugin.json); the active version keeps serving. */
  | { type: 'failed'; time: number; name: string; path: string; error: PluginError }
  /** A folder whose name is not a valid plugin name: reported once, never loaded. */
  | { type: 'ignored'; time: number; name: string; path: string; reason: string }
  /** The file watcher itself failed. */
  | { type: 'error'; time: number; error: Error };

/** Longer than chokidar's 50 ms throttle of change events (see #verifyLater). */
const TRAILING_CHECK_MS = 80;

/**
 * Where a folder's own watcher tells a file moved in (inotify's IN_MOVED_TO, reported as
 * `rename`) from one written in place (IN_MODIFY, `change`). Other platforms' watchers merge
 * a creation and its writes into one `rename` (macOS), so there every change waits to settle.
 */
const TELLS_MOVES_FROM_WRITES = process.platform === 'linux';

/** What a plugin folder's own watcher reported about its files since its last re-read began. */
interface FileChanges {
  moved: boolean;
  written: boolean;
}

type WithoutTime<E> = E extends unknown ? Omit<E, 'time'> : never;
type Emitted = WithoutTime<FolderEvent>;

/**
 * A plugins folder kept in step with a registry: `<dir>/<name>/` holds a plugin's artifacts
 * (`<name>.wasm`, `<name>.dll|.so|.dylib`), an optional plugin.json and cases.json. New
 * folders load, changed artifacts hot-swap through the registry's validation, removed ones
 * unload. See {@link watchPluginFolder}.
 */
export class PluginFolder {
  readonly dir: string;
  readonly events = new TypedEvents<FolderEvent>();
  /** Resolves once the folders present at start have been loaded (or have failed). */
  readonly ready: Promise<void>;
  readonly #registry: PluginRegistry;
  readonly #options: ResolvedFolderOptions;
  readonly #watcher: FSWatcher;
  readonly #jobs: KeyedJobs;
  readonly #owned = new Set<string>();
  readonly #ignored = new Set<string>();
  /** The fingerprint each folder had when last acted on, for the trailing check. */
  readonly #seen = new Map<string, string>();
  readonly #verifyTimers = new Map<string, NodeJS.Timeout>();
  /** Per plugin folder, the raw events since its last re-read began (see #settlesAtOnce). */
  readonly #changes = new Map<string, FileChanges>();
  #closing: Promise<void> | undefined;

  constructor(registry: PluginRegistry, dir: string, options: PluginFolderOptions = {}) {
    this.dir = resolve(dir);
    this.#registry = registry;
    this.#options = resolveFolderOptions(this.dir, options);
    this.#jobs = new KeyedJobs(
      (name) => this.#sync(name),
      this.#options.debounceMs,
      (error) => this.#emit({ type: 'error', error: error as Error }),
    );
    this.#watcher = watch(this.dir, {
      depth: 1,
      ignoreInitial: false,
      usePolling: this.#options.usePolling,
      ignorePermissionErrors: true,
      // chokidar's "atomic" mode holds back an unlink for 100 ms to merge it with a re-add; the
      // folder is re-read as a whole on any event, so that merging only delays a swap.
      atomic: false,
    });
    this.#watcher.on('all', (event, path) => this.#onFileEvent(event, path));
    this.#watcher.on('raw', (event, path, details) => this.#onRawEvent(event, path, details));
    this.#watcher.on('error', (error) => this.#emit({ type: 'error', error: error as Error }));
    const watching = new Promise<void>((done) => this.#watcher.once('ready', done));
    this.ready = watching.then(async () => {
      await this.#jobs.whenIdle();
      this.#emit({ type: 'ready', plugins: [...this.#owned].filter((n) => registry.has(n)) });
    });
  }

  /** Stops watching; the plugins stay registered (close the registry to unload them). */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      for (const timer of this.#verifyTimers.values()) clearTimeout(timer);
      await this.#watcher.close();
      await this.#jobs.close();
    })();
    return this.#closing;
  }

  #emit(event: Emitted): void {
    this.events.emit({ ...event, time: Date.now() } as FolderEvent);
  }

  #onFileEvent(event: string, path: string): void {
    const parts = relative(this.dir, path).split(sep);
    const [name, file] = parts;
    if (name === undefined || name === '' || name.startsWith('..')) return;
    if (parts.length === 1 && (event === 'addDir' || event === 'unlinkDir'))
      this.#jobs.schedule(name);
    if (parts.length === 2 && file !== undefined && isPluginFile(name, file))
      this.#jobs.schedule(name);
  }

  /**
   * chokidar drops a file's change events for 50 ms after one it delivered, which would hold
   * back a swap that follows another closely until the trailing look. Its raw events (one per
   * fs.watch callback, unthrottled) are used here as triggers only: the folder is re-read
   * either way.
   */
  #onRawEvent(event: string, path: string, details: unknown): void {
    const watched = (details as { watchedPath?: unknown } | undefined)?.watchedPath;
    // Polling reports the full path; fs.watch reports the watched path and a name in it.
    if (typeof watched !== 'string') {
      this.#onFileEvent('change', path);
      return;
    }
    const [name, inside] = relative(this.dir, watched).split(sep);
    if (name === undefined || name === '' || name.startsWith('..')) return;
    const file = inside ?? path;
    if (file && !isPluginFile(name, file)) return;
    // Only the plugin folder's watcher classifies: a file's own watcher reports the replaced
    // file's link count (IN_ATTRIB) as a `change` on every rename over it.
    if (inside === undefined && file) this.#recordChange(name, event);
    this.#jobs.schedule(name);
  }

  #recordChange(name: string, event: string): void {
    let changes = this.#changes.get(name);
    if (changes === undefined) {
      changes = { moved: false, written: false };
      this.#changes.set(name, changes);
    }
    if (event === 'rename') changes.moved = true;
    else changes.written = true;
  }

  /**
   * Whether a re-read that began with `changes` may skip the settle interval: a plugin already
   * served here, changed by files moved in whole and by nothing written in place, up to now.
   * A new folder waits: its files may have been written before its own watcher started.
   */
  #settlesAtOnce(name: string, changes: FileChanges | undefined): boolean {
    if (!TELLS_MOVES_FROM_WRITES || this.#options.usePolling || !this.#owned.has(name))
      return false;
    return changes?.moved === true && !changes.written && this.#changes.get(name)?.written !== true;
  }

  /** Brings the registry in line with what `<dir>/<name>/` holds now. */
  async #sync(name: string): Promise<void> {
    const changes = this.#changes.get(name);
    this.#changes.delete(name);
    if (!isValidPluginName(name)) return this.#ignore(name);
    const { contents: found, print } = await settleFolder(this.dir, name, {
      intervalMs: this.#options.settleMs,
      maxWaitMs: this.#options.maxSettleMs,
      isCancelled: () => this.#closing !== undefined,
      movedInWhole: () => this.#settlesAtOnce(name, changes),
    });
    if (this.#closing !== undefined) return;
    this.#verifyLater(name, print);
    const contents = found === undefined ? undefined : withOnly(found, this.#options.only);
    if (contents === undefined || orderArtifacts(contents, 'wasm').length === 0) {
      return this.#options.serialize(name, () => this.#unload(name));
    }
    let manifest: PluginManifest | undefined;
    if (contents.manifest !== undefined) {
      try {
        manifest = await readManifest(contents.manifest, name);
      } catch (error) {
        if (!isPluginError(error)) throw error;
        return this.#emit({ type: 'failed', name, path: contents.manifest, error });
      }
    }
    this.#owned.add(name);
    const source = folderSource(contents, manifest, this.#options.prefer);
    await this.#options.serialize(name, async () => {
      try {
        // The artifacts' bytes are read now, in turn: what the folder holds at this moment.
        await this.#registry.register(name, source);
      } catch (error) {
        // The registry has reported the candidate's failure in its own events.
        if (!isPluginError(error)) throw error;
      }
    });
  }

  /**
   * Looks at the folder once more a little after acting on it. chokidar drops a file's change
   * events for 50 ms after one it delivered, so the end of a write can go unreported; this
   * look catches it.
   */
  #verifyLater(name: string, print: string): void {
    this.#seen.set(name, print);
    clearTimeout(this.#verifyTimers.get(name));
    const timer = setTimeout(async () => {
      this.#verifyTimers.delete(name);
      if (this.#closing !== undefined) return;
      const now = await lookAtFolder(this.dir, name);
      if (now.print !== this.#seen.get(name)) this.#jobs.schedule(name);
    }, TRAILING_CHECK_MS);
    this.#verifyTimers.set(name, timer);
  }

  async #unload(name: string): Promise<void> {
    if (!this.#owned.delete(name) || !this.#registry.has(name)) return;
    try {
      await this.#registry.remove(name);
    } catch (error) {
      if (!isPluginError(error, 'PLUGIN_NOT_FOUND')) throw error;
    }
  }

  #ignore(name: string): void {
    if (this.#ignored.has(name)) return;
    this.#ignored.add(name);
    const reason = 'folder name is not a valid plugin name (A-Z a-z 0-9 . _ -, 1-128 characters)';
    this.#emit({ type: 'ignored', name, path: resolve(this.dir, name), reason });
  }
}

/**
 * Watches a plugins folder and keeps `registry` in step with it.
 *
 * @example
 * const registry = createRegistry();
 * const folder = watchPluginFolder(registry, '/srv/plugins');
 * registry.events.onAny((event) => log(event));
 * folder.events.onAny((event) => log(event));
 * await folder.ready; // the plugins present at start are loaded
 * await registry.call('upper', input);
 * // deploy: write /srv/plugins/upper/upper.wasm.tmp, then rename it to upper.wasm
 * await folder.close();
 * await registry.close();
 */
export function watchPluginFolder(
  registry: PluginRegistry,
  dir: string,
  options: PluginFolderOptions = {},
): PluginFolder {
  return new PluginFolder(registry, dir, options);
}
