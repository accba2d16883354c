import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Kvm, type KvWatchEntry } from '@nats-io/kv';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RolloutCommand, StoredCanary } from '../rollout/control-store.js';
import { ADMIN_TOKEN, eventually } from '../test-support/test-app.js';
import { CONTROL_BUCKET } from './fleet-connection.js';
import {
  allServe,
  fleetNode,
  servedVersion,
  upload,
  V1,
  V2,
  V3_TRAP,
} from './test-support/fleet-nodes.js';
import { type NatsCluster, startNatsCluster } from './test-support/nats-cluster.js';

type Node = Awaited<ReturnType<typeof fleetNode>>;
interface AdminView {
  active?: string;
  canary?: { version: string; weight: number };
  versions: { version: string; calls: number; faults: number }[];
}

const sha256 = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

async function adminView(url: string): Promise<AdminView> {
  const response = await fetch(`${url}/v1/admin/plugins/versioned`, {
    headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
  });
  return (await response.json()) as AdminView;
}

/** Every value the plugin's key takes from now on (a live watch sees each revision). */
async function followKey(nc: NatsConnection) {
  const kv = await new Kvm(nc).open(CONTROL_BUCKET);
  const seen: { canary?: StoredCanary; command?: RolloutCommand }[] = [];
  const watch = await kv.watch({ key: 'plugin.versioned' });
  void (async () => {
    for await (const entry of watch as AsyncIterable<KvWatchEntry>)
      if (entry.operation === 'PUT') seen.push(entry.json<{ rollout?: object }>().rollout ?? {});
  })();
  return { seen, stop: () => watch.stop() };
}

// The canary judged on the fleet's summed traffic, the verdict written once to the plugin's key.
describe('fleet-wide canary: 3 twinplug nodes on a 3-node NATS cluster', () => {
  let cluster: NatsCluster;
  let nc: NatsConnection;
  let nodes: Node[] = [];
  const urls = () => nodes.map((node) => node.server.url);
  const startNodes = async (settings: Record<string, string>) => {
    await Promise.all(nodes.map((node) => node.close()));
    nodes = [];
    for (const node of cluster.nodes) nodes.push(await fleetNode(node.clientUrl, settings));
  };
  beforeAll(async () => {
    cluster = await startNatsCluster(3);
    nc = await connect({ servers: cluster.servers.split(',') });
  }, 60_000);
  afterAll(async () => {
    await Promise.all(nodes.map((node) => node.close()));
    await nc?.close();
    await cluster?.close();
  });

  it('a healthy progressive canary: each step and the promotion written once, every node follows', async () => {
    await startNodes({
      TWINPLUG_CANARY_STEP_WEIGHT: '25',
      TWINPLUG_CANARY_STEP_INTERVAL_MS: '100',
    });
    const key = await followKey(nc);
    try {
      const response = await upload(urls()[0]!, V2);
      expect(response.status, await response.text()).toBe(201);
      const v2 = sha256(V2);
      const progress = () => {
        const decided = key.seen.map((rollout) => rollout.canary).filter((c) => c?.sha256 === v2);
        // Other writes to the key carry the progress along: count each change once.
        const changes = decided.filter(
          (canary, index) => JSON.stringify(canary) !== JSON.stringify(decided[index - 1]),
        );
        return changes.map((canary) => (canary!.promoted ? 'promoted' : canary!.weight));
      };
      await eventually(() => progress().includes('promoted'), 30_000);
      expect(progress()).toEqual([50, 75, 'promoted']);
      await eventually(async () => {
        const views = await Promise.all(urls().map(adminView));
        return views.every((view) => view.active === '2.0.0' && view.canary === undefined);
      }, 20_000);
      await allServe(urls(), '2.0.0');
    } finally {
      key.stop();
    }
  }, 90_000);

  it('a canary whose faults are spread over the nodes (each below minCalls, the fleet above) is rolled back everywhere, once', async () => {
    await startNodes({
      TWINPLUG_CANARY_MIN_CALLS: '9',
      TWINPLUG_CANARY_ERROR_RATE: '0.05',
      TWINPLUG_CANARY_WINDOW_MS: '60000',
    });
    // Ready means caught up with the store: 2.0.0 after the test above, 1.0.0 when run alone.
    const base = await servedVersion(urls()[0]!);
    await allServe(urls(), base);
    const key = await followKey(nc);
    try {
      const response = await upload(urls()[0]!, V3_TRAP);
      expect(response.status, await response.text()).toBe(201);
      await eventually(async () => {
        const views = await Promise.all(urls().map(adminView));
        return views.every((view) => view.canary?.version === '3.0.0');
      }, 20_000);
      // Four calls per node, round robin: no node alone reaches minCalls (9), the fleet does (12).
      for (let round = 0; round < 4; round += 1)
        for (const url of urls()) {
          const answer = await fetch(`${url}/v1/plugins/versioned`, { method: 'POST', body: 'x' });
          expect([200, 502, 503]).toContain(answer.status);
          await answer.arrayBuffer();
        }
      await eventually(async () => {
        const views = await Promise.all(urls().map(adminView));
        return views.every((view) => view.active === base && view.canary === undefined);
      }, 30_000);
      await allServe(urls(), base);
      const canaryCounts = (await Promise.all(urls().map(adminView))).map(
        (view) => view.versions.find((version) => version.version === '3.0.0')!,
      );
      for (const counts of canaryCounts) {
        expect(counts.calls).toBeLessThan(9);
        expect(counts.faults).toBe(counts.calls);
      }
      expect(canaryCounts.reduce((sum, counts) => sum + counts.faults, 0)).toBeGreaterThanOrEqual(
        9,
      );
      const v3 = sha256(V3_TRAP);
      const rollbacks = new Set(
        key.seen
          .map((rollout) => rollout.command)
          .filter((command) => command?.type === 'rollback' && command.from === v3)
          .map((command) => JSON.stringify(command)),
      );
      expect(rollbacks.size).toBe(1);
      const [rollback] = [...rollbacks].map((text) => JSON.parse(text) as RolloutCommand);
      expect(rollback).toMatchObject({
        trigger: 'automatic',
        sha256: sha256(base === '2.0.0' ? V2 : V1),
      });
      expect(rollback!.reason).toMatch(/over the fleet/);
    } finally {
      key.stop();
    }
  }, 120_000);
});

describe('fleet-wide canary with the store unreachable', () => {
  let cluster: NatsCluster;
  let node: Node | undefined;
  beforeAll(async () => {
    cluster = await startNatsCluster(3);
  }, 60_000);
  afterAll(async () => {
    await node?.close();
    await cluster?.close();
  });

  it('a failing canary is still rolled back on the node that sees it fail', async () => {
    node = await fleetNode(cluster.servers, { TWINPLUG_CANARY_MIN_CALLS: '3' });
    const url = node.server.url;
    const response = await upload(url, V3_TRAP);
    expect(response.status, await response.text()).toBe(201);
    await Promise.all(cluster.nodes.map((nats) => nats.kill()));
    await eventually(async () => {
      const ready = (await (await fetch(`${url}/readyz`)).json()) as {
        store: { connected: boolean };
      };
      return !ready.store.connected;
    }, 20_000);
    const statuses: number[] = [];
    for (let call = 0; call < 6; call += 1) {
      const answer = await fetch(`${url}/v1/plugins/versioned`, { method: 'POST', body: 'x' });
      statuses.push(answer.status);
      await answer.arrayBuffer();
    }
    // The third fault crosses the threshold (minCalls 3): the calls after it are served.
    expect(statuses.slice(3)).toEqual([200, 200, 200]);
    await eventually(async () => {
      const view = await adminView(url);
      return view.active === '1.0.0' && view.canary === undefined;
    }, 20_000);
  }, 90_000);
});
