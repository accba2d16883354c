import { type JetStreamClient, jetstream } from '@nats-io/jetstream';
import { type KV, Kvm } from '@nats-io/kv';
import { type ObjectStore, Objm } from '@nats-io/obj';
import { connect } from '@nats-io/transport-node';
import { CANARY_TTL_MS } from './canary-exchange.js';
import { withJetStreamRetry } from './jetstream-retry.js';
import { PRESENCE_TTL_MS } from './presence.js';

/** The control bucket (one key per plugin) and the artifacts' Object Store. */
export const CONTROL_BUCKET = 'twinplug-control';
export const ARTIFACT_BUCKET = 'twinplug-artifacts';
/** One entry per node, dropped by the bucket's max_age when the node stops writing it. */
export const PRESENCE_BUCKET = 'twinplug-nodes';
/** One entry per node and canary: its window's calls and faults, summed by every node. */
export const CANARY_BUCKET = 'twinplug-canary';
/** Whose turn it was last to collect unnamed objects, and when. */
export const COLLECTION_BUCKET = 'twinplug-collection';

export interface FleetConnection {
  readonly kv: KV;
  readonly objects: ObjectStore;
  readonly nodes: KV;
  readonly canaries: KV;
  readonly collection: KV;
  readonly js: JetStreamClient;
  connected(): boolean;
  close(): Promise<void>;
}

/** The servers as nats.js takes them: `nats://a:4222,b:4222` or bare `host:port` after the first. */
export function natsServers(servers: string): string[] {
  return servers.split(',').map((server) => server.trim());
}

/**
 * Connects (reconnecting forever after the first connection) and opens both buckets, created
 * with one replica per cluster node up to 3. `onReconnect` runs after each reconnection: the
 * node reads the bucket again, whatever its watch missed.
 */
export async function openFleetBuckets(
  servers: string,
  onReconnect: () => Promise<void>,
): Promise<FleetConnection> {
  const nc = await connect({
    servers: natsServers(servers),
    name: `twinplug-${process.pid}`,
    maxReconnectAttempts: -1,
    reconnectTimeWait: 250,
    timeout: 3000,
  });
  let up = true;
  void (async () => {
    for await (const status of nc.status()) {
      if (status.type === 'disconnect') up = false;
      if (status.type === 'reconnect') {
        up = true;
        void onReconnect().catch(() => {});
      }
    }
  })();
  try {
    const known = Math.max(natsServers(servers).length, nc.info?.connect_urls?.length ?? 1);
    const replicas = Math.min(3, known);
    const kv = await withJetStreamRetry(() =>
      new Kvm(nc).create(CONTROL_BUCKET, { replicas, history: 1 }),
    );
    const objects = await withJetStreamRetry(() =>
      new Objm(nc).create(ARTIFACT_BUCKET, { replicas }),
    );
    const nodes = await withJetStreamRetry(() =>
      new Kvm(nc).create(PRESENCE_BUCKET, { replicas, history: 1, ttl: PRESENCE_TTL_MS }),
    );
    const canaries = await withJetStreamRetry(() =>
      new Kvm(nc).create(CANARY_BUCKET, { replicas, history: 1, ttl: CANARY_TTL_MS }),
    );
    const collection = await withJetStreamRetry(() =>
      new Kvm(nc).create(COLLECTION_BUCKET, { replicas, history: 1 }),
    );
    return {
      kv,
      objects,
      nodes,
      canaries,
      collection,
      js: jetstream(nc),
      connected: () => up && !nc.isClosed(),
      close: () => nc.close(),
    };
  } catch (error) {
    await nc.close();
    throw error;
  }
}
