import { createHash, randomBytes } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { headers } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../observability/logger.js';
import { ADMIN_TOKEN, eventually } from '../test-support/test-app.js';
import { takeTurn } from './collection-turn.js';
import { keyOf } from './control-keys.js';
import { ARTIFACT_BUCKET, type FleetConnection, openFleetBuckets } from './fleet-connection.js';
import { type FleetRecord, parseFleetRecord } from './fleet-record.js';
import { NatsControlStore } from './nats-control-store.js';
import { type CollectedObject, ObjectCollector } from './object-collector.js';
import { deleteObjectVersion } from './object-delete.js';
import { touchObject } from './object-meta.js';
import { chunkSubject, listObjectVersions, OBJECT_STREAM } from './object-versions.js';
import { allServe, fleetNode, servedVersion, upload, V1, V2 } from './test-support/fleet-nodes.js';
import { type NatsCluster, startNatsCluster } from './test-support/nats-cluster.js';

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
const HOUR = 3_600_000;
const GRACE = 600_000;

/** An object as an upload leaves it: named by its sha256, metadata plugin and backend. */
async function putObject(fleet: FleetConnection, plugin: string): Promise<string> {
  const bytes = randomBytes(300);
  const name = sha256(bytes);
  await fleet.objects.putBlob({ name, metadata: { plugin, backend: 'wasm' } }, bytes);
  return name;
}

/** The object's last meta message, as a collector lists it. */
async function versionOf(fleet: FleetConnection, name: string) {
  const versions = await listObjectVersions(fleet);
  return versions.find((version) => version.name === name && !version.deleted);
}

/** Whether the stream still holds a message on `subject`. */
async function holds(fleet: FleetConnection, subject: string): Promise<boolean> {
  const jsm = await fleet.js.jetstreamManager();
  const found = await jsm.streams.getMessage(OBJECT_STREAM, { last_by_subj: subject });
  return found !== null;
}

async function present(fleet: FleetConnection, name: string): Promise<boolean> {
  const info = await fleet.objects.info(name);
  return info !== null && !info.deleted;
}

function writeRecord(fleet: FleetConnection, plugin: string, record: FleetRecord) {
  return fleet.kv.put(keyOf(plugin), JSON.stringify(record));
}

describe('the collection of objects no key names, on a real 3-node JetStream cluster', () => {
  let cluster: NatsCluster;
  const fleets: FleetConnection[] = [];
  beforeAll(async () => {
    cluster = await startNatsCluster(3);
    for (const node of cluster.nodes)
      fleets.push(await openFleetBuckets(node.clientUrl, async () => {}));
  }, 60_000);
  afterAll(async () => {
    await Promise.all(fleets.map((fleet) => fleet.close()));
    await cluster?.close();
  });

  /**
   * A collector on connection `index`, run by hand; `aheadMs` moves its clock forward so every
   * object is past the grace without waiting. It follows no records (a node that knows
   * nothing, or only an old snapshot): what it keeps comes from the bucket itself.
   */
  function collector(index: number, aheadMs: number, keep = 0, collected?: CollectedObject[]) {
    return new ObjectCollector({
      intervalMs: 0,
      graceMs: GRACE,
      keep,
      node: `test-${index}`,
      connection: () => fleets[index],
      followed: () => new Set(),
      log: createLogger('silent'),
      now: () => Date.now() + aheadMs,
      ...(collected === undefined ? {} : { collected: (object) => collected.push(object) }),
    });
  }

  it('deletes an old unnamed object; keeps active, previous, canary, withdrawn, the last command and the archive', async () => {
    const fleet = fleets[0]!;
    const [older, gone] = [await putObject(fleet, 'kept'), await putObject(fleet, 'removed')];
    const named = [];
    for (let index = 0; index < 5; index += 1) named.push(await putObject(fleet, 'kept'));
    const [active, previous, canary, withdrawn, from] = named as [string, ...string[]];
    const archived = await putObject(fleet, 'kept'); // the most recent unnamed of `kept`
    await writeRecord(fleet, 'kept', {
      builds: { wasm: { sha256: active, version: '2.0.0' } },
      previous: { wasm: { sha256: previous!, version: '1.0.0' } },
      rollout: {
        canary: { sha256: canary!, weight: 10 },
        withdrawn: [{ sha256: withdrawn!, version: '0.9.0', backend: 'wasm', reason: 'x' }],
        command: {
          seq: 1,
          type: 'rollback',
          sha256: previous!,
          from: from!,
          trigger: 'manual',
          reason: 'x',
        },
      },
    });
    const collected: CollectedObject[] = [];
    const report = await collector(1, HOUR, 1, collected).collect();
    expect(report.deleted.map((object) => object.name).sort()).toEqual([older, gone].sort());
    expect(report).toMatchObject({ archived: 1, young: 0, skipped: 0 });
    expect(collected.map((object) => object.size)).toEqual([300, 300]);
    for (const name of [...named, archived]) expect(await present(fleet, name)).toBe(true);
    for (const name of [older, gone]) expect(await present(fleet, name)).toBe(false);
    // The kept objects still read whole; a second run finds nothing to do.
    expect((await fleet.objects.getBlob(active))?.length).toBe(300);
    expect((await collector(2, HOUR, 1).collect()).deleted).toEqual([]);
  }, 60_000);

  it('keeps an unnamed object within the grace (its upload has not written its key yet)', async () => {
    const fleet = fleets[0]!;
    const fresh = await putObject(fleet, 'uploading');
    const report = await collector(0, 0).collect();
    expect(report.deleted.map((object) => object.name)).not.toContain(fresh);
    expect(report.young).toBeGreaterThanOrEqual(1);
    expect(await present(fleet, fresh)).toBe(true);
  }, 60_000);

  it('leaves an object alone when its meta message changed after the collector read it (an upload named it again)', async () => {
    const fleet = fleets[0]!;
    const name = await putObject(fleet, 'raced');
    const read = await versionOf(fleet, name);
    // What an upload of the same bytes does before its key write: a new meta message.
    expect(await touchObject(fleets[1]!, name)).toBe(true);
    expect(await deleteObjectVersion(fleet, read!)).toBe(false);
    expect(await present(fleet, name)).toBe(true);
    // Read again, it goes, once: the second delete of the same version is a no-op.
    const again = await versionOf(fleet, name);
    expect(await deleteObjectVersion(fleet, again!)).toBe(true);
    expect(await deleteObjectVersion(fleets[2]!, again!)).toBe(false);
    expect(await touchObject(fleets[1]!, name)).toBe(false);
    expect(await present(fleet, name)).toBe(false);
    expect(await holds(fleet, again!.subject)).toBe(false);
    expect(await holds(fleet, chunkSubject(again!.nuid))).toBe(false);
  }, 60_000);

  it('purges the chunks and tombstone a delete left behind when it stopped before its purge', async () => {
    const fleet = fleets[0]!;
    const name = await putObject(fleet, 'stopped');
    const version = await versionOf(fleet, name);
    const rollup = headers();
    rollup.set('Nats-Rollup', 'sub');
    await fleet.js.publish(version!.subject, JSON.stringify({ ...version!.meta, deleted: true }), {
      headers: rollup,
    });
    expect(await holds(fleet, chunkSubject(version!.nuid))).toBe(true);
    const report = await collector(1, HOUR).collect();
    expect(report.swept).toBeGreaterThanOrEqual(1);
    expect(await holds(fleet, chunkSubject(version!.nuid))).toBe(false);
    expect(await holds(fleet, version!.subject)).toBe(false);
  }, 60_000);

  it('skips a hand-written meta message whose nuid is a wildcard (its purge would take every chunk)', async () => {
    const fleet = fleets[0]!;
    const kept = await putObject(fleet, 'hostile');
    await writeRecord(fleet, 'hostile', { builds: { wasm: { sha256: kept } } });
    const tombstone = { name: 'f'.repeat(64), nuid: '>', deleted: true, size: 0, chunks: 0 };
    await fleet.js.publish(`$O.${ARTIFACT_BUCKET}.M.hostile`, JSON.stringify(tombstone));
    await collector(1, HOUR).collect();
    const { nuid } = (await versionOf(fleet, kept))!;
    expect(await holds(fleet, chunkSubject(nuid))).toBe(true);
  }, 60_000);

  it('collectors on three nodes at once delete each object once, without an error', async () => {
    const names: string[] = [];
    for (let index = 0; index < 16; index += 1) names.push(await putObject(fleets[0]!, 'orphan'));
    const reports = await Promise.all([0, 1, 2].map((index) => collector(index, HOUR).collect()));
    const deleted = reports.flatMap((report) => report.deleted.map((object) => object.name));
    // Each once (objects left by the tests above may go too, also once).
    for (const name of names) expect(deleted.filter((one) => one === name)).toHaveLength(1);
    expect(new Set(deleted).size).toBe(deleted.length);
    for (const name of names) expect(await present(fleets[2]!, name)).toBe(false);
  }, 60_000);

  it("takes the fleet's turn once per interval", async () => {
    const [a, b] = [fleets[0]!.collection, fleets[1]!.collection];
    const now = Date.now();
    const turns = await Promise.all([takeTurn(a, 'a', HOUR, now), takeTurn(b, 'b', HOUR, now)]);
    expect(turns.filter(Boolean)).toHaveLength(1);
    expect(await takeTurn(a, 'a', HOUR, now + 1000)).toBe(false);
    expect(await takeTurn(b, 'b', HOUR, now + HOUR + 1)).toBe(true);
    // A turn dated far in the future (a clock ahead) does not stop collections.
    expect(await takeTurn(a, 'a', HOUR, now - 2 * HOUR)).toBe(true);
  }, 60_000);

  /** A node's control store (not started) over a new plugins folder; `remove` closes and deletes it. */
  function followingNode(prefix: string) {
    const root = mkdtempSync(join(tmpdir(), prefix));
    const plugins = join(root, 'plugins');
    mkdirSync(plugins);
    const store = new NatsControlStore({
      collection: { intervalMs: 0, graceMs: GRACE, keep: 0 },
      servers: cluster.servers,
      plugins,
      log: createLogger('silent'),
      load: async () => {},
    });
    const remove = () => {
      store.close();
      rmSync(root, { recursive: true, force: true });
    };
    return { store, plugins, remove };
  }

  it('an upload whose object a collection deleted before its key write puts it back', async () => {
    const { store, remove } = followingNode('twinplug-collect-');
    try {
      await store.start(() => {});
      const bytes = readFileSync(V2);
      const name = sha256(bytes);
      store.beginArtifact('early', 'wasm', bytes);
      await waitFor(() => present(fleets[0]!, name));
      // Its upload is still checked: the key does not name it; a collection past the grace.
      expect((await collector(1, HOUR).collect()).deleted.map((o) => o.name)).toContain(name);
      await store.putArtifact('early', 'wasm', bytes, { version: '2.0.0' });
      expect(await present(fleets[0]!, name)).toBe(true);
      const entry = await fleets[2]!.kv.get(keyOf('early'));
      expect(parseFleetRecord(entry!.value).builds?.wasm?.sha256).toBe(name);
      expect((await fleets[2]!.objects.getBlob(name))?.length).toBe(bytes.length);
    } finally {
      remove();
    }
  }, 60_000);

  /**
   * Puts objects until the node has downloaded one into its cache. A node downloads each object
   * as it lands, once its object watch is open, and start() does not wait for that: an object
   * put before is never downloaded. The first one cached also shows the watch open.
   */
  async function firstCached(cacheDir: string): Promise<string> {
    const put: string[] = [];
    for (let attempt = 0; attempt < 20; attempt += 1) {
      put.push(await putObject(fleets[0]!, 'cached'));
      const deadline = Date.now() + 500;
      while (Date.now() < deadline) {
        const cached = put.find((name) => existsSync(join(cacheDir, name)));
        if (cached !== undefined) return cached;
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    }
    throw new Error('the node downloaded none of the objects put');
  }

  it("a node's cached copy of an object goes when a collection deletes the object", async () => {
    const { store, plugins, remove } = followingNode('twinplug-cache-');
    try {
      await store.start(() => {});
      const cacheDir = join(`${plugins}.fleet`, 'cache');
      const name = await firstCached(cacheDir);
      const cached = join(cacheDir, name);
      const report = await collector(1, HOUR).collect();
      expect(report.deleted.map((object) => object.name)).toContain(name);
      await waitFor(async () => !existsSync(cached));
    } finally {
      remove();
    }
  }, 60_000);

  it('a node starting drops the cached copies of objects deleted while it was away', async () => {
    const { store, plugins, remove } = followingNode('twinplug-sweep-');
    try {
      const cache = join(`${plugins}.fleet`, 'cache');
      mkdirSync(cache, { recursive: true, mode: 0o700 });
      const kept = await putObject(fleets[0]!, 'swept');
      const deleted = sha256(randomBytes(300)); // never in the store, or deleted long ago
      // Written before the node started: a minute old.
      const before = new Date(Date.now() - 60_000);
      for (const name of [kept, deleted, 'not-a-sha256']) {
        writeFileSync(join(cache, name), 'x');
        utimesSync(join(cache, name), before, before);
      }
      await store.start(() => {});
      await waitFor(async () => !existsSync(join(cache, deleted)));
      // Swept in the same pass: what the store holds stays, and names that are no sha256.
      expect(existsSync(join(cache, kept))).toBe(true);
      expect(existsSync(join(cache, 'not-a-sha256'))).toBe(true);
    } finally {
      remove();
    }
  }, 60_000);
});

describe('a deploy racing collections', () => {
  let cluster: NatsCluster;
  let fleet: FleetConnection;
  const nodes: Awaited<ReturnType<typeof fleetNode>>[] = [];
  beforeAll(async () => {
    cluster = await startNatsCluster(3);
    fleet = await openFleetBuckets(cluster.servers, async () => {});
    for (const node of cluster.nodes.slice(0, 2)) nodes.push(await fleetNode(node.clientUrl));
  }, 120_000);
  afterAll(async () => {
    await Promise.all(nodes.map((node) => node.close()));
    await fleet?.close();
    await cluster?.close();
  });

  // Every object counts as past the grace (the clock an hour ahead): an object put when the
  // upload began may go while it is checked (put back before the key write), or between the
  // collection's key read and its delete (the meta message written after the key write makes
  // that delete fail, or finds the object gone and puts it back).
  it('an upload raced by collections that count every object as past the grace lands on every node; a node started later fetches it', async () => {
    const collectors = [0, 1].map(
      (index) =>
        new ObjectCollector({
          intervalMs: 0,
          graceMs: GRACE,
          keep: 0,
          node: `racer-${index}`,
          connection: () => fleet,
          followed: () => new Set(),
          log: createLogger('silent'),
          now: () => Date.now() + HOUR,
        }),
    );
    let answered = false;
    const uploaded = upload(nodes[0]!.server.url, V2).finally(() => {
      answered = true;
    });
    // Collect without pause until the upload answers (bounded), then once more after it.
    let runs = 0;
    const name = sha256(readFileSync(V2));
    const race = collectors.map(async (one) => {
      while (!answered && runs < 2000) {
        runs += 1;
        await one.collect();
      }
      await one.collect();
    });
    const response = await uploaded;
    await Promise.all(race);
    expect(response.status, await response.text()).toBe(201);
    const urls = nodes.map((node) => node.server.url);
    await allServe(urls, '2.0.0');
    expect((await fleet.objects.getBlob(name))?.length).toBe(readFileSync(V2).length);
    // A node that joins now fetches the build from the store.
    const late = await fleetNode(cluster.nodes[2]!.clientUrl);
    nodes.push(late);
    await allServe([late.server.url], '2.0.0');
  }, 120_000);

  it('a node started with gc.intervalMs collects on its own: it takes the turn, /metrics counts', async () => {
    const node = await fleetNode(cluster.nodes[0]!.clientUrl, { TWINPLUG_GC_INTERVAL_MS: '200' });
    nodes.push(node);
    const ids = async () => {
      const response = await fetch(`${node.server.url}/v1/admin/fleet`, {
        headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
      });
      return ((await response.json()) as { nodes: { id: string }[] }).nodes.map((one) => one.id);
    };
    // The others run with the default interval (10 min): the turn can only be the new node's.
    await eventually(async () => {
      const turn = await fleet.collection.get('turn');
      if (turn === null) return false;
      const { node: taker } = turn.json<{ node: string }>();
      return (await ids()).includes(taker) && Date.now() - turn.created.getTime() < 60_000;
    }, 20_000);
    const metrics = await (await fetch(`${node.server.url}/metrics`)).text();
    expect(metrics).toMatch(/^twinplug_fleet_objects_collected_total 0$/m);
  }, 60_000);

  it('a collection between two uploads keeps the previous build: a rollback after it lands on every node', async () => {
    const urls = nodes.map((node) => node.server.url);
    for (const path of [V1, V2]) {
      const response = await upload(urls[0]!, path);
      expect(response.status, await response.text()).toBe(201);
    }
    await allServe(urls, '2.0.0');
    const [v1, v2] = [sha256(readFileSync(V1)), sha256(readFileSync(V2))];
    const report = await new ObjectCollector({
      intervalMs: 0,
      graceMs: GRACE,
      keep: 0,
      node: 'between',
      connection: () => fleet,
      followed: () => new Set(),
      log: createLogger('silent'),
      now: () => Date.now() + HOUR,
    }).collect();
    expect(report.deleted.map((object) => object.name)).not.toContain(v1);
    const rolled = await fetch(`${urls[1]}/v1/admin/plugins/versioned/rollback`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
    });
    expect(rolled.status, await rolled.text()).toBe(200);
    await allServe(urls, '1.0.0');
    const record = parseFleetRecord((await fleet.kv.get(keyOf('versioned')))!.value);
    expect(record.builds?.wasm?.sha256).toBe(v1);
    expect(record.previous?.wasm?.sha256).toBe(v2);
    expect(await present(fleet, v1)).toBe(true);
  }, 120_000);

  it('with the store down, a collection fails with a typed error and every node keeps serving', async () => {
    const one = new ObjectCollector({
      intervalMs: 0,
      graceMs: GRACE,
      keep: 0,
      node: 'down',
      connection: () => fleet,
      followed: () => new Set(),
      log: createLogger('silent'),
    });
    await Promise.all(cluster.nodes.map((node) => node.kill()));
    await eventually(() => !fleet.connected());
    await expect(one.collect()).rejects.toMatchObject({ code: 'CONTROL_STORE_UNAVAILABLE' });
    for (const node of nodes) expect(await servedVersion(node.server.url)).toBe('1.0.0');
  }, 60_000);
});

/** Polls `check` (a store read) until true, at most 10 s. */
async function waitFor(check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
