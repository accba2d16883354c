import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { fixture, tempPlugins } from '../test-support/plugins-folder.js';
import { realServer } from '../test-support/real-server.js';
import { ADMIN_TOKEN } from '../test-support/test-app.js';

const CONCURRENCY = 50;
const SWAPS = 20;
const MAX_MS = 45_000;

let cleanup: (() => Promise<void>) | undefined;

afterEach(async () => {
  await cleanup?.();
  cleanup = undefined;
});

interface Tally {
  ok: number;
  byVersion: Map<string, number>;
  failures: string[];
}

/** One client: requests back to back until `running()` is false, each body checked against the versions. */
async function client(
  url: string,
  backend: string,
  id: number,
  running: () => boolean,
  tally: Tally,
): Promise<void> {
  for (let index = 0; running(); index += 1) {
    const input = `c${id}-${index}`;
    try {
      const response = await fetch(`${url}/v1/plugins/versioned`, { method: 'POST', body: input });
      const body = await response.text();
      const version = body.slice(0, body.indexOf(':'));
      if (response.status !== 200) tally.failures.push(`${response.status} ${body}`);
      else if (response.headers.get('x-plugin-backend') !== backend)
        tally.failures.push('other backend');
      else if (!['1.0.0', '2.0.0'].includes(version) || body !== `${version}:${input}`)
        tally.failures.push(`bad body ${body}`);
      else {
        tally.ok += 1;
        tally.byVersion.set(version, (tally.byVersion.get(version) ?? 0) + 1);
      }
    } catch (error) {
      tally.failures.push(`connection: ${String(error)}`);
    }
  }
}

const builds = {
  wasm: [fixture('wasm/versioned.wasm'), fixture('wasm/versioned-v2.wasm')],
  native: [fixture('native/versioned-1.0.0.so'), fixture('native/versioned-2.0.0.so')],
} as const;

describe('swapping under load on a real port', () => {
  it.each(['wasm', 'native'] as const)(
    '%s: 50 concurrent clients, 20 swaps: every response 200 and the output of one of the versions',
    async (backend) => {
      const plugins = tempPlugins();
      plugins.versioned(builds[backend][0], backend === 'wasm' ? 'versioned.wasm' : 'versioned.so');
      const server = await realServer(plugins.root, {
        TWINPLUG_ALLOW_NATIVE_UPLOADS: 'true',
        TWINPLUG_PREFER: backend,
      });
      cleanup = async () => {
        await server.close();
        plugins.cleanup();
      };
      const tally: Tally = { ok: 0, byVersion: new Map(), failures: [] };
      const deadline = Date.now() + MAX_MS;
      let swapping = true;
      const running = () => swapping && Date.now() < deadline;
      const clients = Array.from({ length: CONCURRENCY }, (_, id) =>
        client(server.url, backend, id, running, tally),
      );
      // A loaded machine may reach the deadline first: the metric must count the swaps made.
      let swaps = 0;
      for (let swap = 1; swap <= SWAPS && Date.now() < deadline; swap += 1) {
        const bytes = readFileSync(builds[backend][swap % 2]!);
        const response = await fetch(
          `${server.url}/v1/admin/plugins/versioned/versions?backend=${backend}`,
          {
            method: 'POST',
            body: bytes,
            headers: {
              authorization: `Bearer ${ADMIN_TOKEN}`,
              'x-sha256': createHash('sha256').update(bytes).digest('hex'),
            },
          },
        );
        expect(response.status, await response.text()).toBe(201);
        swaps = swap;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      swapping = false;
      await Promise.all(clients);
      expect(tally.failures.slice(0, 5)).toEqual([]);
      expect(tally.byVersion.get('1.0.0')).toBeGreaterThan(0);
      expect(tally.byVersion.get('2.0.0')).toBeGreaterThan(0);
      expect(tally.ok).toBeGreaterThan(SWAPS * CONCURRENCY);
      const metrics = await (await fetch(`${server.url}/metrics`)).text();
      expect(metrics).toMatch(
        new RegExp(`^twinplug_swaps_total\\{plugin="versioned"\\} ${swaps}$`, 'm'),
      );
    },
    60_000,
  );
});
