import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { KvEntry } from '@nats-io/kv';
import { type Backend, isValidPluginName } from '../../runtime/index.js';
import type { Logger } from '../observability/logger.js';
import type { StoredRollout, StoredRollouts } from '../rollout/control-store.js';
import type { ArtifactCache, LoadBuild, RefusedBuild } from './artifact-cache.js';
import { nameOf } from './control-keys.js';
import { type FleetRecord, parseFleetRecord } from './fleet-record.js';
import { readSnapshot, writeSnapshot } from './snapshot.js';

export interface FollowedRecordsOptions {
  /** The plugins folder the builds are deployed into. */
  readonly plugins: string;
  /** Where the snapshot is saved. */
  readonly stateDir: string;
  readonly cache: ArtifactCache;
  readonly load: LoadBuild;
  readonly log: Logger;
}

/**
 * What this node follows of the control bucket: each plugin's record at the newest revision
 * seen (read, watched or written here), deployed into the plugins folder one change after
 * another, and saved as a snapshot for a start while the store is down.
 */
export class FollowedRecords {
  readonly #options: FollowedRecordsOptions;
  readonly #records = new Map<string, FleetRecord>();
  readonly #revisions = new Map<string, number>();
  readonly #refused = new Map<string, RefusedBuild>();
  #deploying: Promise<void> = Promise.resolve();

  constructor(options: FollowedRecordsOptions) {
    this.#options = options;
  }

  record(name: string): FleetRecord | undefined {
    return this.#records.get(name);
  }

  /** The plugin key's revision this node follows. */
  revision(name: string): number | undefined {
    return this.#revisions.get(name);
  }

  /** The newest revision this node has of any key (0: none). */
  lastRevision(): number {
    return Math.max(0, ...this.#revisions.values());
  }

  refused(): RefusedBuild[] {
    return [...this.#refused.values()];
  }

  /** The records this node saved last (the store is unreachable). */
  async readSnapshot(): Promise<void> {
    for (const [name, record] of await readSnapshot(this.#options.stateDir))
      this.#records.set(name, record);
  }

  /** Takes one entry in; false when it is not newer than what this node has. */
  take(entry: KvEntry): boolean {
    const name = nameOf(entry.key);
    // A key no plugin could have (written by hand): never a path in the plugins folder.
    if (!isValidPluginName(name)) return false;
    const record = entry.operation === 'PUT' ? parseFleetRecord(entry.value) : undefined;
    return this.accept(name, entry.revision, record);
  }

  /** A newer revision of a plugin's key (undefined: deleted), read or written here: deployed. */
  accept(name: string, revision: number, record: FleetRecord | undefined): boolean {
    if (revision <= (this.#revisions.get(name) ?? 0)) return false;
    this.#revisions.set(name, revision);
    const { plugins, stateDir } = this.#options;
    if (record === undefined) {
      this.#records.delete(name);
      this.#queue(() => rm(join(plugins, name), { recursive: true, force: true }));
    } else {
      this.#records.set(name, record);
      this.#queue(() => this.#deploy(name, record));
    }
    this.#queue(() => writeSnapshot(stateDir, this.#records));
    return true;
  }

  #queue(task: () => Promise<unknown>): void {
    this.#deploying = this.#deploying.then(task).then(
      () => {},
      (error: unknown) => this.#options.log.error({ err: error }, 'fleet store: cannot deploy'),
    );
  }

  async #deploy(name: string, record: FleetRecord): Promise<void> {
    for (const [backend, ref] of Object.entries(record.builds ?? {}) as [
      Backend,
      { sha256: string },
    ][]) {
      const refused = await this.#options.cache.deploy(name, backend, ref, this.#options.load);
      const key = `${name}/${backend}`;
      if (refused === undefined) {
        this.#refused.delete(key);
        continue;
      }
      this.#refused.set(key, refused);
      this.#options.log.error(
        refused,
        'fleet store: build refused, the build deployed before keeps serving',
      );
    }
  }

  /** The rollout part of every record, as the rollouts take it. */
  rollouts(): StoredRollouts {
    const rollouts = new Map<string, StoredRollout>();
    for (const [name, record] of this.#records)
      if (record.rollout !== undefined) rollouts.set(name, record.rollout);
    return rollouts;
  }

  /** Every build the records name, less those refused here. */
  expected(): { name: string; backend: Backend; sha256: string }[] {
    return [...this.#records].flatMap(([name, record]) =>
      Object.entries(record.builds ?? {})
        .filter(([backend]) => !this.#refused.has(`${name}/${backend}`))
        .map(([backend, ref]) => ({ name, backend: backend as Backend, sha256: ref.sha256 })),
    );
  }

  /** Waits until every change taken in so far is deployed. */
  settled(): Promise<void> {
    return this.#deploying;
  }
}
