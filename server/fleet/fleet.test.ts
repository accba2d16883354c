import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Kvm } from '@nats-io/kv';
import { Objm } from '@nats-io/obj';
import { connect } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixture } from '../test-support/plugins-folder.js';
import { eventually } from '../test-support/test-app.js';
import { ARTIFACT_BUCKET, CONTROL_BUCKET } from './fleet-connection.js';
import { withJetStreamRetry } from './jetstream-retry.js';
import {
  allServe,
  fleetNode,
  putTraffic,
  servedVersion,
  upload,
  V2,
  view,
} from './test-support/fleet-nodes.js';
import { type NatsCluster, startNatsCluster } from './test-support/nats-cluster.js';

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

// Three twinplug servers, each over its own plugins folder, on one real 3-node JetStream cluster.
describe('fleet mode: 3 twinplug nodes on a 3-node NATS cluster', () => {
  let cluster: NatsCluster;
  const nodes: Awaited<ReturnType<typeof fleetNode>>[] = [];
  let urls: string[] = [];
  beforeAll(async () => {
    cluster = await startNatsCluster(3);
    for (const node of cluster.nodes) nodes.push(await fleetNode(node.clientUrl));
    urls = nodes.map((node) => node.server.url);
  }, 120_000);
  afterAll(async () => {
    await Promise.all(nodes.map((node) => node.close()));
    await cluster?.close();
  });

  it('an upload on node 1 is served by nodes 2 and 3; readyz reports the store connected', async () => {
    expect(await Promise.all(urls.map(servedVersion))).toEqual(['1.0.0', '1.0.0', '1.0.0']);
    const response = await upload(urls[0]!, V2);
    expect(response.status, await response.text()).toBe(201);
    await allServe(urls, '2.0.0');
    const nc = await connect({ servers: cluster.servers.split(',') });
    try {
      const objects = await new Objm(nc).open(ARTIFACT_BUCKET);
      const info = await objects.info(sha256(readFileSync(V2)));
      const { pluginInfo, ...metadata } = info?.metadata ?? {};
      expect(metadata).toEqual({ plugin: 'versioned', backend: 'wasm', version: '2.0.0' });
      expect(JSON.parse(pluginInfo!)).toMatchObject({
        name: 'versioned',
        version: '2.0.0',
        abi: 1,
      });
    } finally {
      await nc.close();
    }
    for (const url of urls) {
      const ready = await (await fetch(`${url}/readyz`)).json();
      expect(ready).toMatchObject({ status: 'ready', store: { kind: 'nats', connected: true } });
    }
  }, 60_000);

  it('a refused upload leaves no object in the store (its put overlapped the check)', async () => {
    const before = await Promise.all(urls.map(servedVersion));
    const bytes = new TextEncoder().encode('not a plugin at all');
    const response = await fetch(`${urls[1]}/v1/admin/plugins/versioned/versions?backend=wasm`, {
      method: 'POST',
      body: bytes,
      headers: { authorization: 'Bearer test-admin-token-0123456789', 'x-sha256': sha256(bytes) },
    });
    expect(response.status).toBe(422);
    const nc = await connect({ servers: cluster.servers.split(',') });
    try {
      const objects = await new Objm(nc).open(ARTIFACT_BUCKET);
      const info = await objects.info(sha256(bytes));
      expect(info === null || info.deleted).toBe(true);
    } finally {
      await nc.close();
    }
    expect(await Promise.all(urls.map(servedVersion))).toEqual(before);
  }, 30_000);

  it('GET /v1/admin/fleet lists the three nodes, none silent, each with the version it serves', async () => {
    await eventually(async () => {
      const response = await fetch(`${urls[0]}/v1/admin/fleet`, {
        headers: { authorization: 'Bearer test-admin-token-0123456789' },
      });
      const { nodes } = (await response.json()) as {
        nodes: { silent: boolean; plugins: { name: string; active: string }[] }[];
      };
      return (
        nodes.length === 3 &&
        nodes.every((node) => !node.silent && node.plugins[0]?.active === '2.0.0')
      );
    }, 20_000);
  }, 30_000);

  it('two traffic updates on two nodes at once: one wins, the other 409 with the state, none lost', async () => {
    const a = { stickyHeader: 'X-User-A' };
    const b = { stickyHeader: 'X-User-B' };
    // Both admins read the plugin at the same revision, then change it, each on its own node.
    const views = await Promise.all([view(urls[1]!), view(urls[2]!)]);
    expect(views[0]!.storeRevision).toBeGreaterThan(0);
    expect(views[1]!.storeRevision).toBe(views[0]!.storeRevision);
    const revision = views[0]!.storeRevision;
    const answers = await Promise.all([
      putTraffic(urls[1]!, a, revision),
      putTraffic(urls[2]!, b, revision),
    ]);
    const statuses = answers.map((answer) => answer.status).sort();
    expect(statuses).toEqual([200, 409]);
    const loser = answers.find((answer) => answer.status === 409)!;
    const body = (await loser.json()) as { error: { code: string; details: { current: unknown } } };
    expect(body.error.code).toBe('ROLLOUT_CONFLICT');
    expect(body.error.details.current).toBeDefined();
    const winner = answers[0]!.status === 200 ? a : b;
    // Every node converges on the winner's document.
    await eventually(async () => {
      const now = await Promise.all(urls.map(view));
      return now.every((seen) => seen.traffic.stickyHeader === winner.stickyHeader.toLowerCase());
    }, 20_000);
  }, 60_000);

  it('a tampered object (bytes not matching its name) is refused by every node; 2.0.0 keeps serving', async () => {
    const nc = await connect({ servers: cluster.servers.split(',') });
    try {
      const kv = await new Kvm(nc).open(CONTROL_BUCKET);
      const objects = await new Objm(nc).open(ARTIFACT_BUCKET);
      // Named as the v3 build, holding v1's bytes.
      const claimed = sha256(readFileSync(fixture('wasm/versioned-v3-trap.wasm')));
      await withJetStreamRetry(() =>
        objects.putBlob({ name: claimed }, readFileSync(fixture('wasm/versioned.wasm'))),
      );
      const entry = (await kv.get('plugin.versioned'))!;
      const record = entry.json<{ builds: Record<string, unknown> }>();
      record.builds.wasm = { sha256: claimed };
      await kv.update('plugin.versioned', JSON.stringify(record), entry.revision);
      for (const url of urls)
        await eventually(async () => {
          const ready = (await (await fetch(`${url}/readyz`)).json()) as {
            store: { refused: { sha256: string; reason: string }[] };
          };
          return ready.store.refused.some((refused) => refused.sha256 === claimed);
        }, 20_000);
      expect(await Promise.all(urls.map(servedVersion))).toEqual(['2.0.0', '2.0.0', '2.0.0']);
    } finally {
      await nc.close();
    }
  }, 60_000);
});
