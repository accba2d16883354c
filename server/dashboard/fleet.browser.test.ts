import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { upload, V1, V2 } from '../fleet/test-support/fleet-nodes.js';
import { type NatsCluster, startNatsCluster } from '../fleet/test-support/nats-cluster.js';
import { tempPlugins } from '../test-support/plugins-folder.js';
import { type SpawnedServer, spawnServer } from '../test-support/spawned-server.js';
import { ADMIN_TOKEN } from '../test-support/test-app.js';
import { launchChromium, screenshotPath } from './test-support/chromium.js';

const bearer = { authorization: `Bearer ${ADMIN_TOKEN}` };

// Three `twinplug serve --store` processes (one can be killed -9) on a real 3-node JetStream cluster.
let cluster: NatsCluster;
const nodes: { server: SpawnedServer; plugins: ReturnType<typeof tempPlugins> }[] = [];
let chromium: Awaited<ReturnType<typeof launchChromium>>;

beforeAll(async () => {
  cluster = await startNatsCluster(3);
  for (const nats of cluster.nodes) {
    const plugins = tempPlugins();
    plugins.versioned(V1);
    const server = await spawnServer(plugins.root, ['--store', nats.clientUrl]);
    nodes.push({ server, plugins });
  }
  await Promise.all(nodes.map(({ server }) => server.waitFor((line) => line.msg === 'ready')));
  chromium = await launchChromium();
}, 120_000);

afterAll(async () => {
  await chromium?.close();
  for (const { server, plugins } of nodes) {
    if (server.child.exitCode === null && server.child.signalCode === null) {
      server.child.kill('SIGKILL');
      await server.exited;
    }
    plugins.cleanup();
    rmSync(`${plugins.root}.fleet`, { recursive: true, force: true });
  }
  await cluster?.close();
});

/** Node id → pid, as the nodes' presence entries say. */
async function nodeIds(url: string): Promise<Map<number, string>> {
  const response = await fetch(`${url}/v1/admin/fleet`, { headers: bearer });
  const { nodes } = (await response.json()) as { nodes: { id: string; pid: number }[] };
  return new Map(nodes.map((node) => [node.pid, node.id]));
}

describe('the dashboard’s fleet view in headless Chromium', () => {
  it('shows which node serves which version, follows an upload, and marks a killed node silent', async () => {
    const page = await chromium.context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.setExtraHTTPHeaders(bearer);
    const first = nodes[0]!.server.url;
    await page.goto(first);
    expect(await page.locator('body').getAttribute('data-view')).toBe('admin');
    await page.waitForSelector('body[data-state="live"]');
    const serving = (version: string) =>
      page.locator(`#fleet tr.live td.serves[data-plugin="versioned"][data-version="${version}"]`);
    await expect.poll(() => serving('1.0.0').count(), { timeout: 20_000 }).toBe(3);
    expect(await page.locator('#fleet .store').getAttribute('data-connected')).toBe('true');
    for (const { server } of nodes)
      for (let index = 0; index < 20; index += 1)
        await fetch(`${server.url}/v1/plugins/versioned`, { method: 'POST', body: 'x' });
    // Each node's count comes with its next presence entry; the footer sums the fleet's.
    const total = page.locator('#fleet tfoot td[data-total-calls]');
    await expect.poll(() => total.getAttribute('data-total-calls'), { timeout: 20_000 }).toBe('60');

    const uploaded = await upload(nodes[1]!.server.url, V2);
    expect(uploaded.status, await uploaded.text()).toBe(201);
    await expect.poll(() => serving('2.0.0').count(), { timeout: 20_000 }).toBe(3);
    // 1.0.0 stays loaded as the previous version, served by nobody.
    expect(await serving('1.0.0').count()).toBe(0);

    const victim = nodes[2]!.server;
    const id = (await nodeIds(first)).get(victim.child.pid!);
    expect(id).toBeDefined();
    victim.child.kill('SIGKILL');
    await victim.exited;
    const silent = page.locator(`#fleet tr[data-silent="true"]`, { hasText: id! });
    await silent.waitFor({ timeout: 20_000 });
    expect(await silent.getAttribute('data-node')).toBe(id);
    expect(await page.locator('#fleet tr[data-silent="false"]').count()).toBe(2);
    // The charts of the node shown: its own calls (each node samples its own).
    const calls = page.locator(
      '#charts .charts[data-version="1.0.0"] figure[data-chart="calls/s"]',
    );
    await expect
      .poll(async () => Number(await calls.getAttribute('data-max')), { timeout: 15_000 })
      .toBeGreaterThan(0);
    await page.screenshot({ path: screenshotPath('dashboard-fleet.png'), fullPage: true });
    expect(errors).toEqual([]);
  });
});
