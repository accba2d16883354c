import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kvm } from '@nats-io/kv';
import { connect } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../observability/logger.js';
import { CONTROL_BUCKET } from './fleet-connection.js';
import { NatsControlStore } from './nats-control-store.js';
import { cuttingProxy } from './test-support/cutting-proxy.js';
import { type NatsCluster, startNatsCluster } from './test-support/nats-cluster.js';

// A compare-and-set whose ack is lost with the connection is retried (cockatiel): the retry
// must recognise its own write, not report a conflict with itself.
describe('a control write whose acknowledgement is lost', () => {
  let cluster: NatsCluster;
  let proxy: Awaited<ReturnType<typeof cuttingProxy>>;
  const root = mkdtempSync(join(tmpdir(), 'twinplug-lost-ack-'));
  beforeAll(async () => {
    cluster = await startNatsCluster(3);
    proxy = await cuttingProxy(cluster.nodes[0]!.clientUrl, `KV_${CONTROL_BUCKET}`);
  }, 60_000);
  afterAll(async () => {
    await proxy?.close();
    await cluster?.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('lands once and answers success, not 409, when the retry finds it there', async () => {
    const plugins = join(root, 'plugins');
    mkdirSync(plugins);
    const store = new NatsControlStore({
      collection: { intervalMs: 0, graceMs: 600_000, keep: 2 },
      servers: proxy.url,
      plugins,
      log: createLogger('silent'),
      load: async () => {},
    });
    const nc = await connect({ servers: cluster.servers.split(',') });
    try {
      await store.start(() => {});
      await store.update('lost', () => ({ traffic: { stickyHeader: 'x-a' } }));
      const before = store.revision('lost')!;
      proxy.arm(`$KV.${CONTROL_BUCKET}.plugin.lost`);
      await store.update('lost', () => ({ traffic: { stickyHeader: 'x-b' } }));
      expect(proxy.cuts).toBe(1);
      const entry = await (await new Kvm(nc).open(CONTROL_BUCKET)).get('plugin.lost');
      // The bucket holds this key alone: one write is one revision more.
      expect(entry?.revision).toBe(before + 1);
      expect(entry?.json()).toMatchObject({ rollout: { traffic: { stickyHeader: 'x-b' } } });
      expect(store.revision('lost')).toBe(before + 1);
    } finally {
      store.close();
      await nc.close();
    }
  }, 60_000);
});
