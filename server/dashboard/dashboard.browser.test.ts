import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../lifecycle/start-server.js';
import { fixture, tempPlugins } from '../test-support/plugins-folder.js';
import { realServer } from '../test-support/real-server.js';
import { ADMIN_TOKEN } from '../test-support/test-app.js';
import { launchChromium, screenshotPath } from './test-support/chromium.js';

let plugins: ReturnType<typeof tempPlugins>;
let server: RunningServer & { url: string };
let chromium: Awaited<ReturnType<typeof launchChromium>>;

beforeAll(async () => {
  plugins = tempPlugins();
  plugins.samples('upper', 'crc32');
  plugins.versioned();
  // Samples every 200 ms so that a few seconds of traffic draw a line.
  server = await realServer(
    plugins.root,
    { TWINPLUG_MEMORY_BUDGET: '256MiB' },
    { sampleIntervalMs: 200 },
  );
  chromium = await launchChromium();
});

afterAll(async () => {
  await chromium?.close();
  await server?.close();
  plugins?.cleanup();
});

async function upload(file: string): Promise<void> {
  const bytes = readFileSync(file);
  const response = await fetch(`${server.url}/v1/admin/plugins/versioned/versions`, {
    method: 'POST',
    body: bytes,
    headers: {
      authorization: `Bearer ${ADMIN_TOKEN}`,
      'x-sha256': createHash('sha256').update(bytes).digest('hex'),
    },
  });
  expect(response.status).toBe(201);
}

describe('the dashboard in headless Chromium', () => {
  it('lists the plugins, goes live, and shows a swap and a rollback as they happen', async () => {
    const page = await chromium.context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(server.url);
    expect(await page.title()).toBe('twinplug');
    const names = await page
      .locator('section.plugin')
      .evaluateAll((sections) => sections.map((s) => s.getAttribute('data-plugin')));
    expect(names).toEqual(['crc32', 'upper', 'versioned']);
    // Anonymous: the redacted view (the default), hashes shortened.
    expect(await page.locator('body').getAttribute('data-view')).toBe('redacted');
    const fullHash = createHash('sha256')
      .update(readFileSync(join(plugins.root, 'versioned', 'versioned.wasm')))
      .digest('hex');
    expect(await page.content()).toContain(fullHash.slice(0, 12));
    expect(await page.content()).not.toContain(fullHash);
    await page.waitForSelector('body[data-state="live"]');
    for (let index = 0; index < 30; index += 1) {
      await fetch(`${server.url}/v1/plugins/upper`, { method: 'POST', body: 'hello' });
      await fetch(`${server.url}/v1/plugins/versioned`, { method: 'POST', body: 'hello' });
    }
    await upload(fixture('wasm/versioned-v2.wasm'));
    const swap = page.locator('#events li.event-swapped', {
      hasText: '1.0.0 (wasm) → 2.0.0 (wasm)',
    });
    await swap.waitFor({ timeout: 10_000 });
    const active = page.locator('section[data-plugin="versioned"] tr.role-active td').first();
    await expect.poll(() => active.textContent(), { timeout: 10_000 }).toBe('2.0.0');
    for (let index = 0; index < 20; index += 1)
      await fetch(`${server.url}/v1/plugins/versioned`, { method: 'POST', body: 'again' });
    const rolled = await fetch(`${server.url}/v1/admin/plugins/versioned/rollback`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
    });
    expect(rolled.status).toBe(200);
    await page.locator('#events li.event-rolled-back').waitFor({ timeout: 10_000 });
    await expect.poll(() => active.textContent(), { timeout: 10_000 }).toBe('1.0.0');
    const upperCalls = page.locator('section[data-plugin="upper"] tr.role-active td[data-calls]');
    await expect
      .poll(async () => Number(await upperCalls.textContent()), { timeout: 10_000 })
      .toBeGreaterThanOrEqual(30);
    // The charts after that traffic: upper's calls/s line has points and a peak above zero.
    const upperChart = page.locator(
      '#charts .charts[data-plugin="upper"][data-version="1.0.0"] figure[data-chart="calls/s"]',
    );
    await expect
      .poll(async () => Number(await upperChart.getAttribute('data-points')), { timeout: 10_000 })
      .toBeGreaterThanOrEqual(3);
    expect(Number(await upperChart.getAttribute('data-max'))).toBeGreaterThan(0);
    expect(await upperChart.locator('svg polyline').getAttribute('points')).toMatch(
      /^[\d.]+,[\d.]+ /,
    );
    const p99 = page.locator('#charts .charts[data-plugin="upper"] figure[data-chart="p99"]');
    expect(Number(await p99.getAttribute('data-max'))).toBeGreaterThan(0);
    expect(await page.locator('#charts .charts[data-version="2.0.0"]').count()).toBe(1);
    await page.screenshot({ path: screenshotPath('dashboard.png'), fullPage: true });
    expect(errors).toEqual([]);
  });

  it('shows an admin the memory budget and the audit log, a hostile plugin name escaped', async () => {
    // Anyone can make the audit log record a plugin name: a refused request is recorded too.
    const hostile = `<img src=x onerror="window.pwned=1">`;
    const refused = await fetch(
      `${server.url}/v1/admin/plugins/${encodeURIComponent(hostile)}/rollback`,
      { method: 'POST' },
    );
    expect(refused.status).toBe(401);
    const page = await chromium.context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.setExtraHTTPHeaders({ authorization: `Bearer ${ADMIN_TOKEN}` });
    await page.goto(server.url);
    expect(await page.locator('body').getAttribute('data-view')).toBe('admin');
    await page.waitForSelector('body[data-state="live"]');
    expect(await page.locator('#memory').textContent()).toMatch(
      /^memory \d+\.\d of 256\.0 MiB budget$/,
    );
    // Newest first: the refused request, its plugin name shown as text.
    const newest = page.locator('#audit li').first();
    await expect
      .poll(() => newest.textContent(), { timeout: 10_000 })
      .toContain(`rollback ${hostile} → 401 UNAUTHORIZED`);
    expect(await page.locator('img').count()).toBe(0);
    expect(await page.evaluate(() => (globalThis as { pwned?: number }).pwned)).toBeUndefined();
    expect(errors).toEqual([]);
  });
});
