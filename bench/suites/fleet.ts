import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import autocannon from 'autocannon';
import {
  allServe,
  fleetNode,
  servedVersion,
  V1,
  V2,
} from '../../server/fleet/test-support/fleet-nodes.js';
import { startNatsCluster } from '../../server/fleet/test-support/nats-cluster.js';
import { tempPlugins } from '../../server/test-support/plugins-folder.js';
import { realServer } from '../../server/test-support/real-server.js';
import { ADMIN_TOKEN } from '../../server/test-support/test-app.js';
import { formatRatio, printTable } from '../harness.js';
import type { BenchSuite } from '../main.js';

const UPLOADS = 20;
const SECONDS = 3;
const ROUNDS = 3;

const quantile = (sorted: number[], q: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;

/**
 * A build never seen before: the fixture with a custom section naming `serial` appended (its
 * own sha256, so every node downloads, checks and compiles it as a new upload).
 */
function freshBuild(path: string, serial: number): Uint8Array {
  const name = new TextEncoder().encode('twinplug-bench');
  const payload = new TextEncoder().encode(String(serial).padStart(8, '0'));
  const body = [name.length, ...name, ...payload];
  return new Uint8Array([...readFileSync(path), 0, body.length, ...body]);
}

async function uploadBytes(url: string, bytes: Uint8Array): Promise<void> {
  const response = await fetch(`${url}/v1/admin/plugins/versioned/versions?backend=wasm`, {
    method: 'POST',
    body: bytes,
    headers: {
      authorization: `Bearer ${ADMIN_TOKEN}`,
      'x-sha256': createHash('sha256').update(bytes).digest('hex'),
    },
  });
  if (response.status !== 201) throw new Error(`upload: ${await response.text()}`);
}

/** Milliseconds from `start` until `url` answers with `version` (polled every 5 ms, 20 s at most). */
async function servesAfter(url: string, version: string, start: number): Promise<number> {
  while ((await servedVersion(url)) !== version) {
    if (performance.now() - start > 20_000) throw new Error(`${url} does not serve ${version}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  return performance.now() - start;
}

async function rps(url: string): Promise<number> {
  const result = await autocannon({
    url: `${url}/v1/plugins/versioned`,
    method: 'POST',
    body: 'a short body',
    connections: 16,
    duration: SECONDS,
  });
  if (result.non2xx > 0 || result.errors > 0) throw new Error(`${url}: failed requests`);
  return result.requests.average;
}

/** Propagation over uploads, then one node's throughput in fleet mode against folder mode. */
export const suite: BenchSuite = {
  name: 'fleet (3 nats-server + 3 twinplug nodes on loopback)',
  async run() {
    const cluster = await startNatsCluster(3);
    const nodes = [];
    const folder = tempPlugins();
    try {
      for (const node of cluster.nodes) nodes.push(await fleetNode(node.clientUrl));
      const urls = nodes.map((node) => node.server.url);
      const [answered, times]: [number[], number[]] = [[], []];
      for (let index = 0; index < UPLOADS; index += 1) {
        const [path, version] = index % 2 === 0 ? [V2, '2.0.0'] : [V1, '1.0.0'];
        const bytes = freshBuild(path, index);
        const start = performance.now();
        const others = urls.slice(1).map((url) => servesAfter(url, version, start));
        await uploadBytes(urls[0]!, bytes);
        answered.push(performance.now() - start);
        times.push(Math.max(...(await Promise.all(others))));
        await allServe(urls, version);
      }
      const ms = (values: number[], q: number) =>
        `${quantile(
          [...values].sort((a, b) => a - b),
          q,
        ).toFixed(0)} ms`;
      printTable(
        ['uploads (new builds)', 'upload answered p50', 'until 3 nodes serve p50', 'p99', 'target'],
        [[String(UPLOADS), ms(answered, 0.5), ms(times, 0.5), ms(times, 0.99), 'p50 < 300 ms']],
      );
      folder.versioned();
      const plain = await realServer(folder.root);
      try {
        const rows: string[][] = [];
        const sums = [0, 0];
        // Every server shares this process and its two cores: rounds alternate which goes first.
        for (let round = 1; round <= ROUNDS; round += 1) {
          const pair = round % 2 === 1 ? [plain.url, urls[0]!] : [urls[0]!, plain.url];
          const [a, b] = [await rps(pair[0]!), await rps(pair[1]!)];
          const [inFolder, inFleet] = round % 2 === 1 ? [a, b] : [b, a];
          sums[0]! += inFolder;
          sums[1]! += inFleet;
          rows.push([
            String(round),
            inFolder.toFixed(0),
            inFleet.toFixed(0),
            formatRatio(inFleet / inFolder),
          ]);
        }
        const [folderSum, fleetSum] = sums as [number, number];
        rows.push([
          'all',
          folderSum.toFixed(0),
          fleetSum.toFixed(0),
          formatRatio(fleetSum / folderSum, { min: 0.95 }),
        ]);
        printTable(['round', 'folder mode req/s', 'fleet mode req/s', 'fleet / folder'], rows);
      } finally {
        await plain.close();
      }
    } finally {
      await Promise.all(nodes.map((node) => node.close()));
      folder.cleanup();
      await cluster.close();
    }
  },
};
