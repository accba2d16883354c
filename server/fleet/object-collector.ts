import { ServerError } from '../errors/server-error.js';
import type { Logger } from '../observability/logger.js';
import { type CollectionSettings, selectCollectable } from './collection-rule.js';
import { takeTurn } from './collection-turn.js';
import type { FleetConnection } from './fleet-connection.js';
import { deleteObjectVersion, purgeDeleted } from './object-delete.js';
import { readNamedObjects } from './object-references.js';
import { listObjectVersions, type ObjectVersion } from './object-versions.js';

/** An object a collection deleted (this node's delete won). */
export interface CollectedObject {
  readonly name: string;
  readonly size: number;
  readonly plugin: string | undefined;
}

/** What one collection did. */
export interface CollectionReport {
  readonly deleted: readonly CollectedObject[];
  /** Kept: unnamed, but within the grace. */
  readonly young: number;
  /** Kept: the rollback archive. */
  readonly archived: number;
  /** Left alone: named again (a new meta message) or deleted by another node since they were read. */
  readonly skipped: number;
  /** Tombstones of deletes that stopped before their purge, purged now. */
  readonly swept: number;
}

export interface ObjectCollectorOptions extends CollectionSettings {
  /** This node's id: it names its deletes and its turns. */
  readonly node: string;
  readonly connection: () => FleetConnection | undefined;
  /** The objects this node's followed records name: a first cut, before the bucket is read. */
  readonly followed: () => ReadonlySet<string>;
  readonly log: Logger;
  /** Each object this node deleted (metrics). */
  readonly collected?: (object: CollectedObject) => void;
  readonly now?: () => number;
}

const NOTHING = { deleted: [], young: 0, archived: 0, skipped: 0 } as const;

/**
 * Deletes the Object Store's objects no plugin's key names (see {@link selectCollectable} for
 * what is kept). Every node runs it, each period (jittered) the node that takes the fleet's
 * turn ({@link takeTurn}); it is safe however many run at once: each delete is a
 * compare-and-set on the object's meta message, and the keys are read from the bucket after
 * the objects, so an upload that named an object in between keeps it.
 */
export class ObjectCollector {
  readonly #options: ObjectCollectorOptions;
  readonly #now: () => number;
  #timer: NodeJS.Timeout | undefined;
  #stopped = false;

  constructor(options: ObjectCollectorOptions) {
    this.#options = options;
    this.#now = options.now ?? Date.now;
  }

  start(): void {
    if (this.#options.intervalMs > 0) this.#schedule();
  }

  stop(): void {
    this.#stopped = true;
    clearTimeout(this.#timer);
  }

  #schedule(): void {
    if (this.#stopped) return;
    const delay = this.#options.intervalMs * (0.5 + Math.random());
    this.#timer = setTimeout(() => void this.#tick().finally(() => this.#schedule()), delay);
    this.#timer.unref();
  }

  /** Collects when it is this node's turn; a failure is logged and the next period tries again. */
  async #tick(): Promise<void> {
    const { node, intervalMs, log } = this.#options;
    try {
      const connection = this.#options.connection();
      if (connection === undefined || !connection.connected()) return;
      if (!(await takeTurn(connection.collection, node, intervalMs, this.#now()))) return;
      await this.collect();
    } catch (error) {
      if (this.#stopped) return;
      const code = error instanceof ServerError ? error.code : 'CONTROL_STORE_UNAVAILABLE';
      log.warn(
        { err: error, code },
        'fleet store: object collection failed; the next period tries again',
      );
    }
  }

  /** One collection, now, whoever else runs one. */
  async collect(): Promise<CollectionReport> {
    const connection = this.#options.connection();
    if (connection === undefined || !connection.connected())
      throw new ServerError('CONTROL_STORE_UNAVAILABLE', 'the fleet store is unreachable');
    try {
      return await this.#collect(connection);
    } catch (error) {
      if (error instanceof ServerError) throw error;
      throw new ServerError(
        'CONTROL_STORE_UNAVAILABLE',
        `the fleet store failed during an object collection: ${(error as Error).message}`,
      );
    }
  }

  async #collect(connection: FleetConnection): Promise<CollectionReport> {
    const listed = await listObjectVersions(connection);
    const swept = await this.#sweep(connection, listed);
    const followed = this.#options.followed();
    const versions = listed.filter((version) => !version.deleted && !followed.has(version.name));
    if (versions.length === 0) return { ...NOTHING, swept };
    // Read after the objects' versions: a key naming one of them written before that read is
    // seen here, one written after it follows a new meta message, which fails the delete.
    const named = await readNamedObjects(connection);
    const selection = selectCollectable(versions, named, this.#options, this.#now());
    const deleted: CollectedObject[] = [];
    for (const version of selection.collect) {
      if (!(await deleteObjectVersion(connection, version))) continue;
      const object = { name: version.name, size: version.size, plugin: version.plugin };
      deleted.push(object);
      this.#options.collected?.(object);
    }
    const { young, archived } = selection;
    const skipped = selection.collect.length - deleted.length;
    const report = { deleted, young, archived, skipped, swept };
    this.#log(report);
    return report;
  }

  /**
   * Purges what tombstones still hold: a delete that stopped before its purge, or a refused
   * upload's. Past the grace only, so a collector finishing its own delete does it itself.
   */
  async #sweep(connection: FleetConnection, listed: readonly ObjectVersion[]): Promise<number> {
    const now = this.#now();
    const stale = listed.filter(
      (version) => version.deleted && now - version.time >= this.#options.graceMs,
    );
    for (const tombstone of stale) await purgeDeleted(connection, tombstone);
    return stale.length;
  }

  #log(report: CollectionReport): void {
    const { deleted, young, archived, skipped, swept } = report;
    const bytes = deleted.reduce((sum, object) => sum + object.size, 0);
    const fields = { deleted: deleted.length, bytes, young, archived, skipped, swept };
    if (deleted.length > 0 || swept > 0)
      this.#options.log.info(
        { ...fields, objects: deleted.slice(0, 100).map((object) => object.name) },
        'fleet store: deleted objects no key names',
      );
    else this.#options.log.debug(fields, 'fleet store: no object to collect');
  }
}
