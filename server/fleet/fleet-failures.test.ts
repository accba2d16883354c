import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../test-support/test-app.js';
import {
  allServe,
  fleetNode,
  putTraffic,
  servedVersion,
  upload,
  V1,
  V2,
} from './test-support/fleet-nodes.js';
import { type NatsCluster, startNatsCluster } from './test-support/nats-cluster.js';

interface StoreView {
  status: string;
  store: { connected: boolean; source: string };
}
const readyz = async (url: string) => (await (await fetch(`${url}/readyz`)).json()) as StoreView;

/** Clients calling every node back to back until `running()` is false; every failure kept. */
function steadyLoad(urls: () => string[], running: () => boolean) {
  const failures: string[] = [];
  let ok = 0;
  const clients = Array.from({ length: 6 }, async (_, id) => {
    while (running()) {
      const url = urls()[id % 3]!;
      try {
        const version = await servedVersion(url);
        if (version === '1.0.0' || version === '2.0.0') ok += 1;
        else failures.push(`bad version ${version}`);
      } catch (error) {
        failures.push(String(error));
      }
    }
  });
  return { failures, done: Promise.all(clients), ok: () => ok };
}

describe('fleet mode when NATS servers die', () => {
  let cluster: NatsCluster;
  const nodes: Awaited<ReturnType<typeof fleetNode>>[] = [];
  const urls = () => nodes.map((node) => node.server.url);
  beforeAll(async () => {
    cluster = await startNatsCluster(3);
    for (const node of cluster.nodes) nodes.push(await fleetNode(node.clientUrl));
  }, 120_000);
  afterAll(async () => {
    await Promise.all(nodes.map((node) => node.close()));
    await cluster?.close();
  });

  it('kill -9 of a NATS server under load and during an upload: no failed request, the upload lands everywhere', async () => {
    let loading = true;
    const deadline = Date.now() + 60_000;
    const load = steadyLoad(urls, () => loading && Date.now() < deadline);
    try {
      await eventually(() => load.ok() > 30, 20_000);
      // Node 1's own NATS server dies as its upload is written to the store.
      const uploading = upload(urls()[0]!, V2);
      await cluster.nodes[0]!.kill();
      const response = await uploading;
      expect(response.status, await response.text()).toBe(201);
      await allServe(urls(), '2.0.0', 40_000);
    } finally {
      loading = false;
      await load.done;
    }
    expect(load.failures.slice(0, 5)).toEqual([]);
    await cluster.nodes[0]!.restart();
  }, 120_000);

  it('a node restarted while a newer build was deployed serves it as soon as it reports ready', async () => {
    await nodes[2]!.stop();
    const response = await upload(urls()[0]!, V1);
    expect(response.status, await response.text()).toBe(201);
    await allServe(urls().slice(0, 2), '1.0.0');
    await nodes[2]!.start();
    // No polling: ready means caught up.
    expect(await servedVersion(urls()[2]!)).toBe('1.0.0');
  }, 60_000);

  it('the store unreachable: nodes serve, admin writes 503, readyz ready but disconnected; a node started meanwhile serves its snapshot; reconnecting converges', async () => {
    await Promise.all(cluster.nodes.map((node) => node.kill()));
    for (const url of urls()) {
      await eventually(async () => !(await readyz(url)).store.connected, 20_000);
      expect(await readyz(url)).toMatchObject({ status: 'ready', store: { source: 'store' } });
      expect(await servedVersion(url)).toBe('1.0.0');
    }
    const refused = await putTraffic(urls()[1]!, { stickyHeader: 'X-User' });
    expect(refused.status).toBe(503);
    expect(await refused.json()).toMatchObject({ error: { code: 'CONTROL_STORE_UNAVAILABLE' } });

    await nodes[2]!.stop();
    await nodes[2]!.start();
    expect(await servedVersion(urls()[2]!)).toBe('1.0.0');
    expect(await readyz(urls()[2]!)).toMatchObject({
      status: 'ready',
      store: { connected: false, source: 'snapshot' },
    });

    await Promise.all(cluster.nodes.map((node) => node.restart()));
    for (const url of urls())
      await eventually(async () => {
        const { store } = await readyz(url);
        return store.connected && store.source === 'store';
      }, 30_000);
    const accepted = await putTraffic(urls()[1]!, { stickyHeader: 'X-User' });
    expect(accepted.status, await accepted.text()).toBe(200);
  }, 120_000);
});
