import { join } from 'node:path';
import type { KV } from '@nats-io/kv';
import type { ObjectStore } from '@nats-io/obj';
import { type Backend, type PluginInfo, sha256Hex } from '../../runtime/index.js';
import { ServerError } from '../errors/server-error.js';
import type { Logger } from '../observability/logger.js';
import type { ControlStore, StoredRollout, StoredRollouts } from '../rollout/control-store.js';
import { ArtifactCache, type LoadBuild, type RefusedBuild } from './artifact-cache.js';
import { ArtifactObjects, type ConfirmArgs, objectMetadata } from './artifact-objects.js';
import { NatsCanaryExchange } from './canary-exchange.js';
import type { CollectionSettings } from './collection-rule.js';
import { keyOf } from './control-keys.js';
import { ControlWriter, unavailable } from './control-writer.js';
import { type FleetConnection, openFleetBuckets } from './fleet-connection.js';
import { type BuildRef, withBuild } from './fleet-record.js';
import { FollowedRecords } from './followed-records.js';
import { withJetStreamRetry } from './jetstream-retry.js';
import { type CollectedObject, ObjectCollector } from './object-collector.js';
import { newNodeId } from './presence.js';
import { followStore, readAllKeys, sweepCache } from './store-follow.js';

export interface NatsStoreOptions {
  readonly servers: string;
  readonly plugins: string;
  readonly log: Logger;
  /** Where the cache and snapshot live: default `<plugins>.fleet`, beside the plugins folder. */
  readonly stateDir?: string;
  /** Loads a fetched, checked build into this node's registry before it is written to the folder. */
  readonly load: LoadBuild;
  /** The collection of objects no key names (the `gc.*` settings). */
  readonly collection: CollectionSettings;
  /** Each object this node's collection deleted (metrics). */
  readonly collected?: (object: CollectedObject) => void;
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
 * hands the records to the rollouts. This class holds the connection and its lifecycle; the
 * records followed ({@link FollowedRecords}), the writes ({@link ControlWriter}), the objects
 * ({@link ArtifactObjects}) and the watches ({@link followStore}) are its parts.
 */
export class NatsControlStore implements ControlStore {
  /** This node's id: its presence entry and canary counts. */
  readonly node = newNodeId();
  readonly canaries = new NatsCanaryExchange(this.node);
  readonly #options: NatsStoreOptions;
  readonly #cache: ArtifactCache;
  readonly #records: FollowedRecords;
  readonly #writer: ControlWriter;
  readonly #objects: ArtifactObjects;
  /** Deletes the objects no key names; its {@link ObjectCollector.collect} runs one now. */
  readonly collector: ObjectCollector;
  #connection: FleetConnection | undefined;
  #source: 'store' | 'snapshot' = 'store';
  #onChange: (records: StoredRollouts) => void = () => {};
  #closed = false;
  #stopCatchUp: () => void = () => {};

  constructor(options: NatsStoreOptions) {
    this.#options = options;
    const stateDir = options.stateDir ?? `${options.plugins}.fleet`;
    const { plugins, load, log } = options;
    this.#cache = new ArtifactCache(
      join(stateDir, 'cache'),
      plugins,
      () => this.#connection?.objects,
    );
    this.#records = new FollowedRecords({ plugins, stateDir, cache: this.#cache, load, log });
    this.#writer = new ControlWriter({
      node: this.node,
      records: this.#records,
      connected: () => this.#connected(),
      changed: () => this.#changed(),
      log,
    });
    this.#objects = new ArtifactObjects(() => this.#connection, this.#cache, log);
    this.collector = new ObjectCollector({
      ...options.collection,
      node: this.node,
      connection: () => this.#connection,
      followed: () => this.#records.namedObjects(),
      log,
      ...(options.collected === undefined ? {} : { collected: options.collected }),
    });
    this.collector.start();
  }

  /** The presence bucket, once connected. */
  get nodes(): KV | undefined {
    return this.#connection?.nodes;
  }

  /** The plugin key's revision this node follows: what an admin's If-Match names. */
  revision(name: string): number | undefined {
    return this.#records.revision(name);
  }

  status(): StoreStatus {
    return {
      kind: 'nats',
      connected: this.#connection?.connected() ?? false,
      source: this.#source,
      refused: this.#records.refused(),
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
      await this.#records.readSnapshot();
      void this.#connectLater();
      return this.#records.rollouts();
    }
    await this.#resync();
    this.#follow(this.#connection);
    return this.#records.rollouts();
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
      this.#changed();
      this.#follow(this.#connection);
      this.#options.log.info('the fleet store is reachable again: following it');
    }
  }

  /** Reads every key again (on start and after a reconnect) and deploys what changed. */
  async #resync(): Promise<void> {
    const kv = this.#connection?.kv;
    if (kv === undefined) return;
    await readAllKeys(kv, this.#records);
    await this.#records.settled();
  }

  #follow(connection: FleetConnection): void {
    this.canaries.attach(connection.canaries);
    void sweepCache(connection.objects, this.#cache, this.#options.log);
    this.#stopCatchUp = followStore(connection, {
      closed: () => this.#closed,
      records: this.#records,
      cache: this.#cache,
      changed: () => this.#changed(),
      resync: () => this.#resync(),
      log: this.#options.log,
    });
  }

  /** The rollouts take the records in. */
  #changed(): void {
    this.#onChange(this.#records.rollouts());
  }

  #connected(): FleetConnection {
    const connection = this.#connection;
    if (connection === undefined || !connection.connected())
      throw new ServerError(
        'CONTROL_STORE_UNAVAILABLE',
        'the fleet store is unreachable: try again later',
      );
    return connection;
  }

  /** One compare-and-set on the revision this node last saw: a write it had not seen is a conflict. */
  async update(
    name: string,
    change: (current: StoredRollout | undefined) => StoredRollout | undefined,
    basedOn?: number,
  ): Promise<void> {
    await this.#writer.write(name, basedOn ?? true, (current) => {
      const { rollout: _old, ...rest } = current;
      const rollout = change(current.rollout);
      return rollout === undefined ? rest : { ...rest, rollout };
    });
  }

  /** Points a backend at a build ({@link withBuild}); never a conflict (the build's own key part), so retried. */
  #point(name: string, backend: Backend, build: BuildRef): Promise<void> {
    return this.#writer.write(name, false, (current) => withBuild(current, backend, build));
  }

  async checkReplaceable(): Promise<void> {
    this.#connected();
  }

  beginArtifact(name: string, backend: Backend, bytes: Uint8Array) {
    return this.#objects.begin(name, backend, bytes);
  }

  async putArtifact(
    name: string,
    backend: Backend,
    bytes: Uint8Array,
    about?: { readonly version: string | undefined; readonly info?: PluginInfo },
  ): Promise<void> {
    const version = about?.version;
    const metadata = objectMetadata(name, backend, version, about?.info);
    this.#connected();
    const sha256 = sha256Hex(bytes);
    try {
      await this.#objects.put(sha256, metadata, bytes);
    } catch (error) {
      throw unavailable(error, this.#options.log);
    }
    const build = version === undefined ? { sha256 } : { sha256, version };
    await this.#point(name, backend, build);
    await this.#confirm(name, build, metadata, bytes, () => this.#point(name, backend, build));
  }

  async restoreArtifact(name: string, backend: Backend, sha256: string): Promise<boolean> {
    this.#connected();
    const info = await withJetStreamRetry(() => this.#connection!.objects.info(sha256));
    // The touch gives the object a new meta message before the key names it again.
    if (info === null || info.deleted || !(await this.#objects.touch(sha256))) return false;
    const version = info.metadata?.version;
    const build = version === undefined ? { sha256 } : { sha256, version };
    await this.#point(name, backend, build);
    const bytes = await this.#cache.read(sha256);
    const repoint = () => this.#point(name, backend, build);
    await this.#confirm(name, build, info.metadata ?? {}, bytes, repoint);
    return true;
  }

  /** See {@link ArtifactObjects.confirmNamed}; a store failure is answered as unavailable. */
  async #confirm(name: string, build: BuildRef, ...rest: ConfirmArgs): Promise<void> {
    try {
      await this.#objects.confirmNamed(name, build.sha256, ...rest);
    } catch (error) {
      throw unavailable(error, this.#options.log);
    }
  }

  async removePlugin(name: string): Promise<void> {
    const { kv } = this.#connected();
    try {
      await withJetStreamRetry(() => kv.delete(keyOf(name)));
    } catch (error) {
      throw unavailable(error, this.#options.log);
    }
  }

  /** Every build the store names, for the node to serve before it says it is ready. */
  expected(): { name: string; backend: Backend; sha256: string }[] {
    return this.#records.expected();
  }

  /** Waits until every change seen so far is deployed on this node (tests, readiness). */
  settled(): Promise<void> {
    return this.#records.settled();
  }

  close(): void {
    this.#closed = true;
    this.collector.stop();
    this.canaries.close();
    this.#stopCatchUp();
    void this.#connection?.close();
  }
}

export type { ObjectStore };
