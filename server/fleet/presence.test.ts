import { afterAll, beforeAll, expect, it } from 'vitest';
import { type FleetConnection, openFleetBuckets } from './fleet-connection.js';
import { listNodes } from './presence.js';
import { type NatsCluster, startNatsCluster } from './test-support/nats-cluster.js';

let cluster: NatsCluster | undefined;
let fleet: FleetConnection | undefined;

beforeAll(async () => {
  cluster = await startNatsCluster(3);
  fleet = await openFleetBuckets(cluster.servers, async () => {});
}, 60_000);

afterAll(async () => {
  await fleet?.close();
  await cluster?.close();
});

it('lists the entries of the real bucket as readPresence leaves them, and skips what is not an object', async () => {
  const nodes = fleet!.nodes;
  const now = 1_000_000; // the hostile entry's `at` reads 0: silent
  const good = { id: 'good', host: 'h', pid: 1, startedAt: 1, at: now, plugins: [] };
  await nodes.put('node.good', JSON.stringify(good));
  await nodes.put('node.not-json', 'not json');
  await nodes.put('node.list', '[1,2]');
  await nodes.put(
    'node.hostile',
    '{"__proto__":{"id":"p"},"id":{"x":1},"pid":"7","startedAt":2,"at":1e999,"plugins":"x","extra":"y"}',
  );
  expect(await listNodes(nodes, now)).toStrictEqual([
    { ...good, ageMs: 0, silent: false },
    { id: '', host: '', pid: 0, startedAt: 2, at: 0, plugins: [], ageMs: now, silent: true },
  ]);
});
