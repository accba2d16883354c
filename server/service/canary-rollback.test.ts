import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { deployArtifact } from '../../runtime/index.js';
import { fixture, tempPlugins } from '../test-support/plugins-folder.js';
import { admin, eventually, type TestApp, testApp } from '../test-support/test-app.js';

let plugins: ReturnType<typeof tempPlugins>;
let apps: TestApp[] = [];

beforeEach(() => {
  plugins = tempPlugins();
  plugins.versioned();
});

afterEach(async () => {
  await Promise.all(apps.map((app) => app.close()));
  apps = [];
  plugins.cleanup();
});

async function start(env: Record<string, string> = {}): Promise<TestApp> {
  const app = await testApp(plugins.root, {
    TWINPLUG_CANARY_MIN_CALLS: '20',
    TWINPLUG_CANARY_ERROR_RATE: '0.05',
    ...env,
  });
  apps.push(app);
  return app;
}

async function deploy(t: TestApp, file: string): Promise<void> {
  const bytes = readFileSync(file);
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const response = await t.app.request(
    '/v1/admin/plugins/versioned/versions',
    admin({ method: 'POST', body: bytes, headers: { 'x-sha256': sha256 } }),
  );
  expect(response.status).toBe(201);
}

async function callMany(t: TestApp, count: number) {
  const statuses: number[] = [];
  const bodies: string[] = [];
  for (let index = 0; index < count; index += 1) {
    const response = await t.app.request('/v1/plugins/versioned', {
      method: 'POST',
      body: `r${index}`,
    });
    statuses.push(response.status);
    bodies.push(await response.text());
  }
  return { statuses, bodies };
}

describe('automatic rollback of a failing canary', () => {
  it('takes a version whose every call traps out of service after 20 faulted calls', async () => {
    const t = await start();
    await deploy(t, fixture('wasm/versioned-v3-trap.wasm'));
    const { statuses, bodies } = await callMany(t, 60);
    // The 20th fault crossed the threshold (minimum 20 calls, 5 %): every call after it is served by 1.0.0.
    // Traps (502); once the isolated plugin's circuit breaker opens, fast failures (503): both are faults.
    expect(statuses.slice(0, 20).every((status) => status === 502 || status === 503)).toBe(true);
    expect(JSON.parse(bodies[0]!)).toMatchObject({ error: { code: 'PLUGIN_TRAPPED' } });
    const codes = new Set(bodies.slice(0, 20).map((body) => JSON.parse(body).error.code));
    expect(
      [...codes].every((code) => code === 'PLUGIN_TRAPPED' || code === 'PLUGIN_UNAVAILABLE'),
    ).toBe(true);
    expect(statuses.slice(20)).toEqual(Array(40).fill(200));
    expect(bodies.at(-1)).toBe('1.0.0:r59');
    // Routing changed at the verdict; the rollback's record follows in turn with other changes.
    await eventually(() => t.service.describe('versioned')?.canary === undefined);
    const view = await (await t.app.request('/v1/admin/plugins/versioned', admin())).json();
    expect(view).not.toHaveProperty('canary');
    expect(view).toMatchObject({
      active: '1.0.0',
      versions: [
        { version: '1.0.0', role: 'active', weight: 100 },
        { version: '3.0.0', role: 'previous', weight: 0, calls: 20, errors: 20, faults: 20 },
      ],
    });
    const metrics = await (await t.app.request('/metrics')).text();
    expect(metrics).toMatch(
      /^twinplug_rollbacks_total\{plugin="versioned",trigger="automatic"\} 1$/m,
    );
    expect(metrics).toMatch(/^twinplug_swaps_total\{plugin="versioned"\} 1$/m);
    const events = (await (await t.app.request('/v1/admin/events', admin())).json()) as {
      events: { type: string; trigger?: string }[];
    };
    expect(events.events[0]).toMatchObject({
      type: 'rolled-back',
      trigger: 'automatic',
      plugin: 'versioned',
    });
    expect(t.logs.find((line) => line.msg === 'rolled back')).toMatchObject({
      plugin: 'versioned',
      trigger: 'automatic',
      level: 40,
    });
  });

  it('puts the build rolled back to back into the folder, so a restart serves it', async () => {
    const t = await start();
    await deploy(t, fixture('wasm/versioned-v3-trap.wasm'));
    await callMany(t, 20);
    const good = readFileSync(fixture('wasm/versioned.wasm'));
    await eventually(() => readFileSync(`${plugins.root}/versioned/versioned.wasm`).equals(good));
    await t.close();
    apps = [];
    const restarted = await start();
    const { statuses, bodies } = await callMany(restarted, 3);
    expect(statuses).toEqual([200, 200, 200]);
    expect(bodies[0]).toBe('1.0.0:r0');
  });

  it('rolls back again a rejected build that the folder brings back, serving the good one meanwhile', async () => {
    const t = await start();
    await deploy(t, fixture('wasm/versioned-v3-trap.wasm'));
    await callMany(t, 20);
    const good = readFileSync(fixture('wasm/versioned.wasm'));
    await eventually(() => readFileSync(`${plugins.root}/versioned/versioned.wasm`).equals(good));
    // A late write of the rejected build (a deploy tool retrying, a stale watcher event), with
    // calls going on meanwhile: none of them reaches it.
    await deployArtifact(
      plugins.root,
      'versioned',
      'versioned.wasm',
      readFileSync(fixture('wasm/versioned-v3-trap.wasm')),
    );
    const statuses: number[] = [];
    await eventually(async () => {
      statuses.push(...(await callMany(t, 5)).statuses);
      return t.service.feed.latest(10).filter((event) => event.type === 'rolled-back').length === 2;
    });
    expect(statuses.every((status) => status === 200)).toBe(true);
    expect(t.service.feed.latest(3).map((event) => event.type)).toEqual([
      'rolled-back',
      'swapped',
      'rolled-back',
    ]);
    expect(t.service.feed.latest(1)[0]!.message).toMatch(/was rolled back before/);
    expect(t.service.describe('versioned')?.active).toBe('1.0.0');
  });

  it('with progressive steps, only the canary share fails before the rollback', async () => {
    const t = await start({
      TWINPLUG_CANARY_STEP_WEIGHT: '20',
      TWINPLUG_CANARY_STEP_INTERVAL_MS: '60000',
    });
    await deploy(t, fixture('wasm/versioned-v3-trap.wasm'));
    const described = await (await t.app.request('/v1/admin/plugins/versioned', admin())).json();
    expect(described).toMatchObject({
      canary: { version: '3.0.0', weight: 20, progressive: true },
    });
    const { statuses, bodies } = await callMany(t, 400);
    const failed = statuses.filter((status) => status === 502 || status === 503).length;
    expect(failed).toBe(20);
    expect(bodies.filter((body) => body.startsWith('1.0.0:'))).toHaveLength(380);
    expect(statuses.slice(-20)).toEqual(Array(20).fill(200));
  });

  it('steps a healthy canary up and promotes it', async () => {
    const t = await start({
      TWINPLUG_CANARY_STEP_WEIGHT: '50',
      TWINPLUG_CANARY_STEP_INTERVAL_MS: '100',
    });
    await deploy(t, fixture('wasm/versioned-v2.wasm'));
    await eventually(() => t.service.describe('versioned')?.canary === undefined, 5_000);
    const types = t.service.feed.latest().map((event) => event.type);
    expect(types.slice(0, 2)).toEqual(['promoted', 'swapped']);
    const { bodies } = await callMany(t, 10);
    expect(bodies.every((body) => body.startsWith('2.0.0:'))).toBe(true);
  });

  it('reaches every process serving the folder through the routing file', async () => {
    const first = await start();
    const second = await start();
    await deploy(first, fixture('wasm/versioned-v3-trap.wasm'));
    await eventually(() => second.service.describe('versioned')?.active === '3.0.0');
    await callMany(first, 25);
    expect(first.service.describe('versioned')?.active).toBe('1.0.0');
    // The second process had no failing calls of its own; the rollback reached it all the same.
    await eventually(() => second.service.describe('versioned')?.active === '1.0.0');
    const { statuses } = await callMany(second, 5);
    expect(statuses).toEqual(Array(5).fill(200));
  });
});
