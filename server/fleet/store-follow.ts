import type { KV } from '@nats-io/kv';
import type { Logger } from '../observability/logger.js';
import type { ArtifactCache } from './artifact-cache.js';
import { PLUGIN_KEYS } from './control-keys.js';
import type { FleetConnection } from './fleet-connection.js';
import type { FollowedRecords } from './followed-records.js';
import { withJetStreamRetry } from './jetstream-retry.js';
import { keepWatching } from './keep-watching.js';

/** How often a node compares the bucket's last sequence with what it has seen. */
const CATCH_UP_MS = 1000;

/** What a node following the store feeds, and how it reads the whole bucket again. */
export interface Follower {
  readonly closed: () => boolean;
  readonly records: FollowedRecords;
  readonly cache: ArtifactCache;
  /** The records changed: the rollouts take them in. */
  readonly changed: () => void;
  readonly resync: () => Promise<void>;
  readonly log: Logger;
}

/** Reads every plugin's key (on start and after a reconnect) into the records. */
export async function readAllKeys(kv: KV, records: FollowedRecords): Promise<void> {
  const keys = await withJetStreamRetry(async () => {
    const found: string[] = [];
    for await (const key of await kv.keys(PLUGIN_KEYS)) found.push(key);
    return found;
  });
  for (const key of keys) {
    const entry = await withJetStreamRetry(() => kv.get(key));
    if (entry !== null) records.take(entry);
  }
}

/**
 * Drops the cached copies of objects deleted while this node was not following the store (it
 * was down, or cut off): the objects' watch reports only deletions it sees. A cached copy is
 * only a copy; a build that comes back is downloaded again.
 */
export async function sweepCache(
  objects: FleetConnection['objects'],
  cache: ArtifactCache,
  log: Logger,
): Promise<void> {
  try {
    // A second back for the file system's clock (mtime granularity, writes just begun).
    const listedAt = Date.now() - 1000;
    const listed = await withJetStreamRetry(() => objects.list());
    const removed = await cache.sweep(new Set(listed.map((info) => info.name)), listedAt);
    if (removed > 0) log.info({ removed }, 'fleet cache: dropped copies of deleted objects');
  } catch (error) {
    log.warn({ err: error }, 'fleet cache: cannot list the objects; the cache is swept next time');
  }
}

/**
 * The bucket's watch (a watch that ends, the connection lost, is opened again), the objects'
 * watch, and a check of the bucket's last sequence that catches what a stalled watch missed.
 * Returns how to stop the check; the watches end when `closed()`.
 */
export function followStore(connection: FleetConnection, follower: Follower): () => void {
  const { kv, objects } = connection;
  const { closed, records, log } = follower;
  void keepWatching(
    closed,
    () => kv.watch({ key: PLUGIN_KEYS }),
    (entry) => {
      if (records.take(entry)) follower.changed();
    },
    (error) => log.warn({ err: error }, 'fleet store: the watch stopped; opening it again'),
  );
  // Each object is downloaded as it lands, before a key names it: an upload's bytes are put
  // while the uploading node checks them, so this node has them by the time the key points at
  // them. Only cached once their sha256 matches their name. A deleted object's download stops and
  // its cached copy goes.
  void keepWatching(
    closed,
    () => objects.watch(),
    (info) => {
      if (info === null) return;
      if (info.deleted) follower.cache.forget(info.name);
      else follower.cache.prefetch(info.name);
    },
  );
  const timer = setInterval(() => void catchUp(connection, follower), CATCH_UP_MS);
  timer.unref();
  return () => clearInterval(timer);
}

async function catchUp(connection: FleetConnection, follower: Follower): Promise<void> {
  if (follower.closed() || !connection.connected()) return;
  try {
    const last = (await connection.kv.status()).streamInfo.state.last_seq;
    if (last > follower.records.lastRevision()) {
      await follower.resync();
      follower.changed();
    }
  } catch {
    // the next tick tries again
  }
}
