import { randomBytes } from 'node:crypto';
import { type FSWatcher, watch } from 'node:fs';
import { readFile, rename, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ServerError } from '../errors/server-error.js';
import type { StoredRollout, StoredRollouts } from './control-store.js';
import { fileLock } from './file-lock.js';

export const ROUTING_FILE = '.twinplug-routing.json';
/** How long an update waits for another process's lock before it fails (CONTROL_STORE_BUSY). */
const LOCK_WAIT_MS = 10_000;

interface RoutingDocument {
  generation: number;
  /** A Map: plugin names are data (`constructor`, `__proto__`), never property names. */
  plugins: Map<string, StoredRollout>;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Reads the document; anything unreadable counts as empty (the file is rewritten whole). */
export function parseRouting(text: string): RoutingDocument {
  const parsed: unknown = JSON.parse(text);
  if (!isRecord(parsed) || typeof parsed.generation !== 'number' || !isRecord(parsed.plugins))
    return { generation: 0, plugins: new Map() };
  const plugins = new Map<string, StoredRollout>();
  // JSON.parse makes every key, `__proto__` included, an own property: entries sees them all.
  for (const [name, value] of Object.entries(parsed.plugins))
    if (isRecord(value)) plugins.set(name, value as StoredRollout);
  return { generation: parsed.generation, plugins };
}

export function serializeRouting(document: RoutingDocument): string {
  // Object.fromEntries defines own properties, so `__proto__` is written as a plain key.
  const plugins = Object.fromEntries(document.plugins);
  return `${JSON.stringify({ generation: document.generation, plugins }, null, 2)}\n`;
}

/**
 * The routing file shared by every process serving one plugins folder: changed one update at
 * a time in this process (a promise chain) and under the folder's lock file across processes
 * (see file-lock.ts), each time by read-change-write and an atomic rename; watched by each
 * process for the others' changes.
 */
export class RoutingFile {
  readonly path: string;
  #watcher: FSWatcher | undefined;
  #seen = -1;
  #timer: NodeJS.Timeout | undefined;
  #queue: Promise<unknown> = Promise.resolve();

  constructor(dir: string) {
    this.path = join(dir, ROUTING_FILE);
  }

  async read(): Promise<RoutingDocument> {
    try {
      return parseRouting(await readFile(this.path, 'utf8'));
    } catch {
      return { generation: 0, plugins: new Map() };
    }
  }

  async start(onChange: (records: StoredRollouts) => void): Promise<StoredRollouts> {
    const document = await this.read();
    this.#seen = document.generation;
    this.#watcher = watch(dirname(this.path), (_event, file) => {
      if (file !== basename(this.path)) return;
      clearTimeout(this.#timer);
      this.#timer = setTimeout(async () => {
        const latest = await this.read();
        if (latest.generation <= this.#seen) return;
        this.#seen = latest.generation;
        onChange(latest.plugins);
      }, 10);
    });
    this.#watcher.unref();
    return document.plugins;
  }

  update(
    name: string,
    change: (current: StoredRollout | undefined) => StoredRollout | undefined,
  ): Promise<void> {
    const run = this.#queue.then(() => this.#update(name, change));
    this.#queue = run.catch(() => {});
    return run;
  }

  close(): void {
    clearTimeout(this.#timer);
    this.#watcher?.close();
  }

  async #update(
    name: string,
    change: (current: StoredRollout | undefined) => StoredRollout | undefined,
  ): Promise<void> {
    const release = await fileLock(`${this.path}.lock`, { waitMs: LOCK_WAIT_MS, sleep });
    if (release === undefined)
      throw new ServerError('CONTROL_STORE_BUSY', `${this.path}.lock is held by a live process`);
    try {
      const document = await this.read();
      const next = change(document.plugins.get(name));
      if (next === undefined) document.plugins.delete(name);
      else document.plugins.set(name, next);
      document.generation += 1;
      const temp = `${this.path}.${randomBytes(6).toString('hex')}.tmp`;
      await writeFile(temp, serializeRouting(document), { flag: 'wx', mode: 0o644 });
      await rename(temp, this.path);
      this.#seen = Math.max(this.#seen, document.generation);
    } finally {
      await release();
    }
  }
}
