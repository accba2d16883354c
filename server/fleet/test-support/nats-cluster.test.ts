import { Kvm } from '@nats-io/kv';
import { Objm } from '@nats-io/obj';
import { connect } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withJetStreamRetry } from '../jetstream-retry.js';
import { type NatsCluster, startNatsCluster } from './nats-cluster.js';

// The harness the fleet tests stand on: three real nats-server processes with JetStream,
// replicated buckets, and a node killed with SIGKILL while the others keep the data.
describe('a 3-node NATS JetStream cluster on loopback', () => {
  let cluster: NatsCluster;
  beforeAll(async () => {
    cluster = await startNatsCluster(3);
  }, 60_000);
  afterAll(() => cluster?.close());

  it('keeps a 3-replica KV bucket and object store writable and consistent when a node is killed', async () => {
    const nc = await connect({ servers: cluster.servers.split(','), reconnectTimeWait: 100 });
    try {
      const kv = await new Kvm(nc).create('smoke', { replicas: 3 });
      const first = await kv.create('plugin.upper', '{"active":"1.0.0"}');
      const objects = await new Objm(nc).create('smoke-artifacts', { replicas: 3 });
      await objects.putBlob({ name: 'sha-1' }, new Uint8Array([1, 2, 3]));

      await cluster.nodes[0]!.kill();

      // Compare-and-set on the revision: the stale writer loses, the right one wins. Right after
      // the kill the cluster may be electing leaders: the store's retry rides that out.
      const second = await withJetStreamRetry(() =>
        kv.update('plugin.upper', '{"active":"2.0.0"}', first),
      );
      await expect(
        withJetStreamRetry(() => kv.update('plugin.upper', '{"active":"3.0.0"}', first)),
      ).rejects.toThrow(/wrong last sequence/);
      const entry = await withJetStreamRetry(() => kv.get('plugin.upper'));
      expect(entry?.revision).toBe(second);
      expect(entry?.string()).toBe('{"active":"2.0.0"}');

      await cluster.nodes[0]!.restart();
      expect((await withJetStreamRetry(() => kv.get('plugin.upper')))?.string()).toBe(
        '{"active":"2.0.0"}',
      );
      // Reading an object makes a consumer, which needs the cluster's meta leader: if the killed
      // node was the leader, that waits for the new election (the fleet code retries it).
      const blob = await withJetStreamRetry(() => objects.getBlob('sha-1'));
      expect([...(blob ?? [])]).toEqual([1, 2, 3]);
    } finally {
      await nc.close();
    }
  }, 60_000);
});
