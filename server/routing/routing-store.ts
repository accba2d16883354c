import { type FSWatcher, watch } from 'node:fs';
import { open, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Traffic } from './traffic.js';

/** A one-shot order every process carries out once: serve the build with this sha256. */
export interface RoutingCommand {
  readonly generation: number;
  readonly type: 'rollback' | 'activate';
  /** The build to serve. */
  readonly sha256: string;
  /** The build rolled back from, if any. */
  readonly from?: string | undefined;
  readonly trigger: 'automatic' | 'manual';
  readonly reason: string;
}

export interface StoredPlugin {
  traffic?: Traffic;
  command?: RoutingCommand;
  /** Builds rolled back from (sha256): if one is activated again, it is rolled back at once. */
  rejected?: string[];
}

/** The routing file's content. */
export interface RoutingState {
  generation: number;
  plugins: Record<string, StoredPlugin>;
}

export const ROUTING_FILE = '.twinplug-routing.json';
const LOCK_STALE_MS = 5_000;
const LOCK_WAIT_MS = 5_000;

function empty(): RoutingState {
  return { generation: 0, plugins: {} };
}

/**
 * Routing decisions shared by every process serving one plugins folder (cluster workers, or
 * several servers on one host): a JSON file in the folder (`.twinplug-routing.json`, which the
 * folder watcher ignores), changed under a lock by read-modify-write and an atomic rename, and
 * watched by each process. It also keeps traffic settings across restarts.
 */
export class RoutingStore {
  readonly path: string;
  readonly #onChange: (state: RoutingState) => void;
  #watcher: FSWatcher | undefined;
  #seen = -1;
  #timer: NodeJS.Timeout | undefined;

  constructor(dir: string, onChange: (state: RoutingState) => void) {
    this.path = join(dir, ROUTING_FILE);
    this.#onChange = onChange;
  }

  async read(): Promise<RoutingState> {
    try {
      const parsed = JSON.parse(await readFile(this.path, 'utf8')) as RoutingState;
      if (typeof parsed.generation !== 'number' || typeof parsed.plugins !== 'object')
        return empty();
      return parsed;
    } catch {
      return empty();
    }
  }

  /** Reads the state, then reports each later change made by any process. */
  async start(): Promise<RoutingState> {
    const state = await this.read();
    this.#seen = state.generation;
    this.#watcher = watch(dirname(this.path), (_event, file) => {
      if (file !== basename(this.path)) return;
      clearTimeout(this.#timer);
      this.#timer = setTimeout(() => void this.#reload(), 10);
    });
    this.#watcher.unref();
    return state;
  }

  /** Changes the state under the lock; returns the state written. */
  async update(change: (state: RoutingState) => void): Promise<RoutingState> {
    const lock = `${this.path}.lock`;
    await this.#lock(lock);
    try {
      const state = await this.read();
      change(state);
      state.generation += 1;
      const temp = `${this.path}.${process.pid}.tmp`;
      await writeFile(temp, `${JSON.stringify(state, null, 2)}\n`);
      await rename(temp, this.path);
      this.#seen = Math.max(this.#seen, state.generation);
      return state;
    } finally {
      await rm(lock, { force: true });
    }
  }

  close(): void {
    clearTimeout(this.#timer);
    this.#watcher?.close();
  }

  async #reload(): Promise<void> {
    const state = await this.read();
    if (state.generation <= this.#seen) return;
    this.#seen = state.generation;
    this.#onChange(state);
  }

  /** Exclusive creation is atomic: whoever creates the lock file holds the lock. */
  async #lock(lock: string): Promise<void> {
    const deadline = Date.now() + LOCK_WAIT_MS;
    for (;;) {
      try {
        await (await open(lock, 'wx')).close();
        return;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
      const age = await stat(lock).then(
        (info) => Date.now() - info.mtimeMs,
        () => 0,
      );
      if (age > LOCK_STALE_MS || Date.now() > deadline) await rm(lock, { force: true });
      await sleep(5);
    }
  }
}
