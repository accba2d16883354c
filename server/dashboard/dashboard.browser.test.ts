import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { type BrowserContext, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../lifecycle/start-server.js';
import { fixture, tempPlugins } from '../test-support/plugins-folder.js';
import { realServer } from '../test-support/real-server.js';
import { ADMIN_TOKEN } from '../test-support/test-app.js';

const SCREENSHOTS = resolve(import.meta.dirname, '../../reports');

let plugins: ReturnType<typeof tempPlugins>;
let server: RunningServer & { url: string };
let browser: BrowserContext;
let profile: string;

beforeAll(async () => {
  plugins = tempPlugins();
  plugins.samples('upper', 'crc32');
  plugins.versioned();
  server = await realServer(plugins.root);
  profile = mkdtempSync(join(tmpdir(), 'twinplug-chromium-'));
  browser = await chromium.launchPersistentContext(profile, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  plugins?.cleanup();
  if (profile !== undefined) rmSync(profile, { recursive: true, force: true });
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
    const page = await browser.newPage();
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
    mkdirSync(SCREENSHOTS, { recursive: true });
    await page.screenshot({ path: join(SCREENSHOTS, 'dashboard.png'), fullPage: true });
    expect(errors).toEqual([]);
  });
});
