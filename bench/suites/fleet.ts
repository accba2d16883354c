import autocannon from 'autocannon';
import {
  allServe,
  fleetNode,
  upload,
  V1,
  V2,
} from '../../server/fleet/test-support/fleet-nodes.js';
import { startNatsCluster } from '../../server/fleet/test-support/nats-cluster.js';
import { tempPlugins } from '../../server/test-support/plugins-folder.js';
import { realServer } from '../../server/test-support/real-server.js';
import { formatRatio, printTable } from '../harness.js';
import type { BenchSuite } from '../main.js';

const UPLOADS = 20;
const SECONDS = 3;
const ROUNDS = 3;

const quantile = (sorted: number[], q: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;

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
      const times: number[] = [];
      for (let index = 0; index < UPLOADS; index += 1) {
        const [path, version] = index % 2 === 0 ? [V2, '2.0.0'] : [V1, '1.0.0'];
        const start = Date.now();
        const response = await upload(urls[0]!, path);
        if (response.status !== 201) throw new Error(`upload: ${await response.text()}`);
        await allServe(urls, version);
        times.push(Date.now() - start);
      }
      times.sort((a, b) => a - b);
      printTable(
        ['uploads', 'p50 until 3 nodes serve', 'p99', 'target'],
        [
          [
            String(UPLOADS),
            `${quantile(times, 0.5)} ms`,
            `${quantile(times, 0.99)} ms`,
            'p50 < 300 ms',
          ],
        ],
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
