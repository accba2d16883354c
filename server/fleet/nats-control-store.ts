import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { KV, KvEntry } from '@nats-io/kv';
import type { ObjectStore } from '@nats-io/obj';
import { headers } from '@nats-io/transport-node';
import {
  type Backend,
  isValidPluginName,
  type PluginInfo,
  sha256Hex,
} from '../../runtime/index.js';
import { ServerError } from '../errors/server-error.js';
import type { Logger } from '../observability/logger.js';
import type { ControlStore, StoredRollout, StoredRollouts } from '../rollout/control-store.js';
import { ArtifactCache, type LoadBuild, type RefusedBuild } from './artifact-cache.js';
import { NatsCanaryExchange } from './canary-exchange.js';
import { CONTROL_BUCKET, type FleetConnection, openFleetBuckets } from './fleet-connection.js';
import {
  type BuildRef,
  encodeFleetRecord,
  type FleetRecord,
  parseFleetRecord,
} from './fleet-record.js';
import { withJetStreamRetry } from './jetstream-retry.js';
import { newNodeId } from './presence.js';
import { readSnapshot, writeSnapshot } from './snapshot.js';

const KEY_PREFIX = 'plugin.';
/** Names each write (node and counter): a retried write that landed recognises itself. */
const WRITE_HEADER = 'Twinplug-Write';
/** How often a node compares the bucket's last sequence with what it has seen. */
const CATCH_UP_MS = 1000;
/** Plugin names may hold dots (KV token separators) but never '=': the encoding is reversible. */
const keyOf = (name: string) => KEY_PREFIX + name.replaceAll('.', '=2E');
const nameOf = (key: string) => key.slice(KEY_PREFIX.length).replaceAll('=2E', '.');

/** What an object says about the build it holds: plugin, backend, version and its PluginInfo. */
function objectMetadata(
  plugin: string,
  backend: Backend,
  version: string | undefined,
  info: PluginInfo | undefined,
): Record<string, string> {
  const metadata: Record<string, string> = { plugin, backend };
  if (version !== undefined) metadata.version = version;
  if (info !== undefined) {
    const { name, abi, description } = info;
    const about = { name, version: info.version, abi, description: description.slice(0, 1024) };
    metadata.pluginInfo = JSON.stringify(about);
  }
  return metadata;
}

function isWrongRevision(error: unknown): boolean {
  return error instanceof Error && /wrong last sequence|key exists/i.test(error.message);
}

export interface NatsStoreOptions {
  readonly servers: string;
  readonly plugins: string;
  readonly log: Logger;
  /** Where the cache and snapshot live: default `<plugins>.fleet`, beside the plugins folder. */
  readonly stateDir?: string;
  /** Loads a fetched, checked build into this node's registry before it is written to the folder. */
  readonly load: LoadBuild;
}

/** What /readyz and the admin API say about the store. */
export interface StoreStatus {
  readonly kind: 'nats';
  readonly connected: boolean;
  /** `snapshot`: started while the store was down, serving what this node saved last. */
  readonly source: 'store' | 'snapshot';
  readonly refused: readonly RefusedBuild[];
}

/**
 * The fleet's {@link ControlStore} on NATS JetStream: one KV key per plugin (its rollout record
 * and the build of each backend, every write a compare-and-set on the key's revision), builds in
 * an Object Store named by sha256. Every node, the writer included, follows the bucket's watch:
 * it deploys the builds named into its plugins folder (checked against their sha256 first) and
 * hands the records to the rollouts.
 */
export class NatsControlStore implements ControlStore {
  /** This node's id: its presence entry and canary counts. */
  readonly node = newNodeId();
  readonly canaries = new NatsCanaryExchange(this.node);
  readonly #options: NatsStoreOptions;
  readonly #stateDir: string;
  readonly #cache: ArtifactCache;
  readonly #records = new Map<string, FleetRecord>();
  readonly #revisions = new Map<string, number>();
  readonly #refused = new Map<string, RefusedBuild>();
  /** Object puts started while their upload is checked, by sha256: true when this put made it. */
  readonly #puts = new Map<string, Promise<boolean>>();
  #connection: FleetConnection | undefined;
  #source: 'store' | 'snapshot' = 'store';
  #onChange: (records: StoredRollouts) => void = () => {};
  #deploying: Promise<void> = Promise.resolve();
  #closed = false;
  #stopCatchUp: () => void = () => {};
  #writes = 0;

  constructor(options: NatsStoreOptions) {
    this.#options = options;
    this.#stateDir = options.stateDir ?? `${options.plugins}.fleet`;
    this.#cache = new ArtifactCache(
      join(this.#stateDir, 'cache'),
      options.plugins,
      () => this.#connection?.objects,
    );
  }

  /** The presence bucket, once connected. */
  get nodes(): KV | undefined {
    return this.#connection?.nodes;
  }

  /** The plugin key's revision this node follows: what an admin's If-Match names. */
  revision(name: string): number | undefined {
    return this.#revisions.get(name);
  }

  status(): StoreStatus {
    return {
      kind: 'nats',
      connected: this.#connection?.connected() ?? false,
      source: this.#source,
      refused: [...this.#refused.values()],
    };
  }

  async start(onChange: (records: StoredRollouts) => void): Promise<StoredRollouts> {
    this.#onChange = onChange;
    try {
      this.#connection = await openFleetBuckets(this.#options.servers, () => this.#resync());
    } catch (error) {
      this.#options.log.error(
        { err: error, servers: this.#options.servers },
        'the fleet store is unreachable: serving the last snapshot this node saved',
      );
      this.#source = 'snapshot';
      for (const [name, record] of await readSnapshot(this.#stateDir))
        this.#records.set(name, record);
      void this.#connectLater();
      return this.#rollouts();
    }
    await this.#resync();
    this.#follow(this.#connection);
    return this.#rollouts();
  }

  /** Keeps trying to reach the store; once there, converges and follows it. */
  async #connectLater(): Promise<void> {
    while (!this.#closed && this.#connection === undefined) {
      try {
        this.#connection = await openFleetBuckets(this.#options.servers, () => this.#resync());
      } catch {
        await new Promise((resolve) => setTimeout(resolve, 500).unref());
        continue;
      }
      if (this.#closed) return this.#connection.close();
      this.#source = 'store';
      await this.#resync().catch(() => {});
      this.#onChange(this.#rollouts());
      this.#follow(this.#connection);
      this.#options.log.info('the fleet store is reachable again: following it');
    }
  }

  /** Reads every key again (on start and after a reconnect) and deploys what changed. */
  async #resync(): Promise<void> {
    const kv = this.#connection?.kv;
    if (kv === undefined) return;
    const keys = await withJetStreamRetry(async () => {
      const found: string[] = [];
      for await (const key of await kv.keys(`${KEY_PREFIX}>`)) found.push(key);
      return found;
    });
    for (const key of keys) {
      const entry = await withJetStreamRetry(() => kv.get(key));
      if (entry !== null) this.#take(entry);
    }
    await this.#deploying;
  }

  /** The watch, and a check of the bucket's last sequence that catches what a stalled watch missed. */
  #follow({ kv, canaries, objects }: FleetConnection): void {
    this.canaries.attach(canaries);
    void this.#watch(kv);
    void this.#prefetch(objects);
    const timer = setInterval(() => void this.#catchUp(kv), CATCH_UP_MS);
    timer.unref();
    this.#stopCatchUp = () => clearInterval(timer);
  }

  async #catchUp(kv: KV): Promise<void> {
    if (this.#closed || !this.#connection?.connected()) return;
    try {
      const last = (await kv.status()).streamInfo.state.last_seq;
      if (last > Math.max(0, ...this.#revisions.values())) {
        await this.#resync();
        this.#onChange(this.#rollouts());
      }
    } catch {
      // the next tick tries again
    }
  }

  /** Follows the bucket's watch; a watch that ends (the connection lost) is opened again. */
  async #watch(kv: KV): Promise<void> {
    while (!this.#closed) {
      try {
        const watch = await withJetStreamRetry(() => kv.watch({ key: `${KEY_PREFIX}>` }));
        for await (const entry of watch) {
          if (this.#closed) break;
          if (this.#take(entry)) this.#onChange(this.#rollouts());
        }
      } catch (error) {
        if (this.#closed) return;
        this.#options.log.warn({ err: error }, 'fleet store: the watch stopped; opening it again');
      }
      if (!this.#closed) await new Promise((resolve) => setTimeout(resolve, 250).unref());
    }
  }

  /**
   * Downloads each object as it lands in the store, before a key names it: an upload's bytes
   * are put while the uploading node checks them, so this node has them by the time the key
   * points at them. Only cached once their sha256 matches their name.
   */
  async #prefetch(objects: ObjectStore): Promise<void> {
    while (!this.#closed) {
      try {
        const watch = await withJetStreamRetry(() => objects.watch({ ignoreDeletes: true }));
        for await (const info of watch) {
          if (this.#closed) break;
          if (info !== null && !info.deleted) this.#cache.prefetch(info.name);
        }
      } catch {
        // the connection went away: opened again below
      }
      if (!this.#closed) await new Promise((resolve) => setTimeout(resolve, 250).unref());
    }
  }

  /** Takes one entry in; false when it is not newer than what this node has. */
  #take(entry: KvEntry): boolean {
    const name = nameOf(entry.key);
    // A key no plugin could have (written by hand): never a path in the plugins folder.
    if (!isValidPluginName(name)) return false;
    const record = entry.operation === 'PUT' ? parseFleetRecord(entry.value) : undefined;
    return this.#accept(name, entry.revision, record);
  }

  /** A newer revision of a plugin's key (undefined: deleted), read or written here: deployed. */
  #accept(name: string, revision: number, record: FleetRecord | undefined): boolean {
    if (revision <= (this.#revisions.get(name) ?? 0)) return false;
    this.#revisions.set(name, revision);
    if (record === undefined) {
      this.#records.delete(name);
      this.#queue(() => rm(join(this.#options.plugins, name), { recursive: true, force: true }));
    } else {
      this.#records.set(name, record);
      this.#queue(() => this.#deploy(name, record));
    }
    this.#queue(() => writeSnapshot(this.#stateDir, this.#records));
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
      const refused = await this.#cache.deploy(name, backend, ref, this.#options.load);
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

  #rollouts(): StoredRollouts {
    const rollouts = new Map<string, StoredRollout>();
    for (const [name, record] of this.#records)
      if (record.rollout !== undefined) rollouts.set(name, record.rollout);
    return rollouts;
  }

  #kv(): KV {
    const connection = this.#connection;
    if (connection === undefined || !connection.connected())
      throw new ServerError(
        'CONTROL_STORE_UNAVAILABLE',
        'the fleet store is unreachable: try again later',
      );
    return connection.kv;
  }

  /** One compare-and-set on the revision this node last saw: a write it had not seen is a conflict. */
  async update(
    name: string,
    change: (current: StoredRollout | undefined) => StoredRollout | undefined,
    basedOn?: number,
  ): Promise<void> {
    await this.#write(name, basedOn ?? true, (current) => {
      const { rollout: _old, ...rest } = current;
      const rollout = change(current.rollout);
      return rollout === undefined ? rest : { ...rest, rollout };
    });
  }

  /**
   * Points a backend at a build; never a conflict (the build's own key part), so retried. A new
   * build starts a new canary: the progress the fleet recorded for the last one is dropped; a
   * withdrawn build pointed at again (an upload of it) is no longer withdrawn.
   */
  #point(name: string, backend: Backend, build: BuildRef): Promise<void> {
    return this.#write(name, false, (current) => {
      const builds = { ...current.builds, [backend]: build };
      if (current.rollout === undefined) return { ...current, builds };
      const { canary: _done, withdrawn, ...rest } = current.rollout;
      // In the same write: a node loading the build must never find it still withdrawn.
      const kept = withdrawn?.filter((gone) => gone.sha256 !== build.sha256);
      const rollout = kept === undefined ? rest : { ...rest, withdrawn: kept };
      return { ...current, rollout, builds };
    });
  }

  /**
   * A compare-and-set on the revision this node last saw. When another node wrote first, a
   * rollout change fails with ROLLOUT_CONFLICT (the admin sees the state now and decides again);
   * a build pointer is applied again on the record now.
   */
  async #write(
    name: string,
    conflict: boolean | number,
    change: (current: FleetRecord) => FleetRecord,
  ): Promise<void> {
    const kv = this.#kv();
    const pinned = typeof conflict === 'number' ? conflict : undefined;
    for (let attempt = 0; attempt < 10; attempt += 1) {
      const seen = pinned ?? this.#revisions.get(name) ?? 0;
      const next = change(this.#records.get(name) ?? {});
      const value = encodeFleetRecord(next);
      this.#writes += 1;
      const write = `${this.node}:${this.#writes}`;
      try {
        const revision = await withJetStreamRetry(() => this.#update(name, value, seen, write));
        this.#accept(name, revision, next);
        return;
      } catch (error) {
        if (!isWrongRevision(error)) throw this.#unavailable(error);
      }
      const latest = await withJetStreamRetry(() => kv.get(keyOf(name))).catch(() => null);
      if (latest !== null) this.#take(latest);
      // Always: the losing change was applied locally first, and the watch may have brought
      // the winner's record before it; the rollouts take the stored records in again.
      this.#onChange(this.#rollouts());
      if (conflict !== false)
        throw new ServerError(
          'ROLLOUT_CONFLICT',
          `another node changed "${name}" first (revision ${latest?.revision ?? 'gone'}); nothing was written`,
          { stored: this.#records.get(name)?.rollout },
        );
    }
    throw new ServerError('CONTROL_STORE_BUSY', `"${name}" kept changing under this write`);
  }

  /**
   * kv.update (kv.create for revision 0), plus a message id naming the revision replaced:
   * nats-server before 2.9.21 checks the expected revision before consensus, so two updates
   * racing on a cluster may both pass it (nats-io/nats-server#4320); the id makes the later one
   * a duplicate, refused here as a conflict. Unless the write there is this one: a retry after
   * an ack lost with the connection finds its own write (its header), a success.
   */
  async #update(name: string, value: Uint8Array, seen: number, write: string): Promise<number> {
    const subject = `$KV.${CONTROL_BUCKET}.${keyOf(name)}`;
    const named = headers();
    named.set(WRITE_HEADER, write);
    let duplicateOf: number | undefined;
    try {
      const ack = await this.#connection!.js.publish(subject, value, {
        msgID: `${keyOf(name)}@${seen}`,
        expect: { lastSubjectSequence: seen },
        headers: named,
      });
      if (!ack.duplicate) return ack.seq;
      duplicateOf = ack.seq;
    } catch (error) {
      if (!isWrongRevision(error)) throw error;
    }
    const jsm = await this.#connection!.js.jetstreamManager(false);
    const there = await jsm.streams
      .getMessage(
        `KV_${CONTROL_BUCKET}`,
        duplicateOf === undefined ? { last_by_subj: subject } : { seq: duplicateOf },
      )
      .catch(() => null);
    if (there !== null && there.header?.get(WRITE_HEADER) === write) return there.seq;
    throw new Error(`wrong last sequence: ${subject} was replaced at ${seen} already`);
  }

  #unavailable(error: unknown): unknown {
    if (error instanceof ServerError) return error;
    this.#options.log.warn({ err: error }, 'fleet store write failed');
    return new ServerError(
      'CONTROL_STORE_UNAVAILABLE',
      'the fleet store did not answer: try again later',
    );
  }

  async checkReplaceable(): Promise<void> {
    this.#kv();
  }

  /** Puts the object (named by its sha256) unless the store has it; true when this put made it. */
  async #putObject(sha256: string, metadata: Record<string, string>, bytes: Uint8Array) {
    const objects = this.#connection!.objects;
    const have = await withJetStreamRetry(() => objects.info(sha256));
    if (have !== null && !have.deleted) return false;
    await withJetStreamRetry(() => objects.putBlob({ name: sha256, metadata }, bytes));
    return true;
  }

  beginArtifact(name: string, backend: Backend, bytes: Uint8Array) {
    const sha256 = sha256Hex(bytes);
    const put = this.#putObject(sha256, { plugin: name, backend }, bytes);
    put.catch(() => {}); // putArtifact reports it
    this.#puts.set(sha256, put);
    void this.#cache.keep(sha256, bytes);
    return {
      discard: async () => {
        if (this.#puts.get(sha256) === put) this.#puts.delete(sha256);
        // A refused upload leaves no object behind (unless another upload had put it).
        if (await put.catch(() => false))
          await this.#connection?.objects.delete(sha256).catch(() => {});
      },
    };
  }

  async putArtifact(
    name: string,
    backend: Backend,
    bytes: Uint8Array,
    about?: { readonly version: string | undefined; readonly info?: PluginInfo },
  ): Promise<void> {
    const version = about?.version;
    const metadata = objectMetadata(name, backend, version, about?.info);
    this.#kv();
    const sha256 = sha256Hex(bytes);
    const objects = this.#connection!.objects;
    const early = this.#puts.get(sha256);
    this.#puts.delete(sha256);
    try {
      if (early === undefined) {
        void this.#cache.keep(sha256, bytes);
        await this.#putObject(sha256, metadata, bytes);
      } else {
        await early;
        // What the upload's check learnt (its version) goes into the object's metadata.
        await withJetStreamRetry(() => objects.update(sha256, { name: sha256, metadata }));
      }
    } catch (error) {
      throw this.#unavailable(error);
    }
    await this.#point(name, backend, version === undefined ? { sha256 } : { sha256, version });
  }

  async restoreArtifact(name: string, backend: Backend, sha256: string): Promise<boolean> {
    this.#kv();
    const info = await withJetStreamRetry(() => this.#connection!.objects.info(sha256));
    if (info === null || info.deleted) return false;
    const version = info.metadata?.version;
    await this.#point(name, backend, version === undefined ? { sha256 } : { sha256, version });
    return true;
  }

  async removePlugin(name: string): Promise<void> {
    const kv = this.#kv();
    try {
      await withJetStreamRetry(() => kv.delete(keyOf(name)));
    } catch (error) {
      throw this.#unavailable(error);
    }
  }

  /** Every build the store names, for the node to serve before it says it is ready. */
  expected(): { name: string; backend: Backend; sha256: string }[] {
    return [...this.#records].flatMap(([name, record]) =>
      Object.entries(record.builds ?? {})
        .filter(([backend]) => !this.#refused.has(`${name}/${backend}`))
        .map(([backend, ref]) => ({ name, backend: backend as Backend, sha256: ref.sha256 })),
    );
  }

  /** Waits until every change seen so far is deployed on this node (tests, readiness). */
  settled(): Promise<void> {
    return this.#deploying;
  }

  close(): void {
    this.#closed = true;
    this.canaries.close();
    this.#stopCatchUp();
    void this.#connection?.close();
  }
}

export type { ObjectStore };
