import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fixture, tempPlugins } from '../test-support/plugins-folder.js';
import { admin, type TestApp, testApp } from '../test-support/test-app.js';
import { parseRouting, ROUTING_FILE } from './routing-file.js';

let plugins: ReturnType<typeof tempPlugins>;
let t: TestApp;

beforeEach(() => {
  plugins = tempPlugins();
});

afterEach(async () => {
  await t?.close();
  plugins.cleanup();
});

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
/** The fields these tests read from error bodies and plugin views. */
interface Body {
  error: { code: string; details: { current: unknown } };
  active: string;
  traffic: unknown;
  withdrawn: unknown;
  versions: unknown;
}
const json = async (response: Response) => (await response.json()) as Body;

async function call(name: string, headers: Record<string, string> = {}, ref = name) {
  const response = await t.app.request(`/v1/plugins/${ref}`, {
    method: 'POST',
    body: 'x',
    headers,
  });
  return { status: response.status, body: await response.text() };
}

async function upload(name: string, file: string) {
  const bytes = readFileSync(file);
  const response = await t.app.request(
    `/v1/admin/plugins/${name}/versions`,
    admin({ method: 'POST', body: bytes, headers: { 'x-sha256': sha256(bytes) } }),
  );
  expect(response.status).toBe(201);
}

const post = (path: string, body?: unknown) =>
  t.app.request(
    path,
    admin({ method: 'POST', ...(body === undefined ? {} : { body: JSON.stringify(body) }) }),
  );

async function versionedAt2(): Promise<void> {
  plugins.versioned();
  t = await testApp(plugins.root);
  await upload('versioned', fixture('wasm/versioned-v2.wasm'));
}

describe('rollbacks', () => {
  it('three at once: one wins, the others get 409 ROLLOUT_CONFLICT with the state now, and nothing flips back', async () => {
    await versionedAt2();
    const answers = await Promise.all(
      [1, 2, 3].map(() => post('/v1/admin/plugins/versioned/rollback')),
    );
    const statuses = answers.map((answer) => answer.status).sort();
    expect(statuses).toEqual([200, 409, 409]);
    for (const answer of answers.filter((a) => a.status === 409)) {
      const body = await json(answer);
      expect(body.error.code).toBe('ROLLOUT_CONFLICT');
      expect(body.error.details.current).toMatchObject({ name: 'versioned', active: '1.0.0' });
    }
    expect(await call('versioned')).toEqual({ status: 200, body: '1.0.0:x' });
    const rolledBack = t.service.feed.latest().filter((event) => event.type === 'rolled-back');
    expect(rolledBack).toHaveLength(1);
    // A later rollback, asked for with the state in view, is a decision of its own and is done.
    expect((await post('/v1/admin/plugins/versioned/rollback')).status).toBe(200);
    expect(await call('versioned')).toEqual({ status: 200, body: '2.0.0:x' });
  });

  it('withdraws the build rolled back from: pinned requests get 410 until it is activated again', async () => {
    await versionedAt2();
    const traffic = { rules: [{ header: 'X-Beta', value: 'yes', version: '2.0.0' }] };
    await t.app.request(
      '/v1/admin/plugins/versioned/traffic',
      admin({ method: 'PUT', body: JSON.stringify(traffic) }),
    );
    expect((await post('/v1/admin/plugins/versioned/rollback')).status).toBe(200);
    for (const pinned of [
      await call('versioned', { 'x-plugin-version': '2.0.0' }),
      await call('versioned', {}, 'versioned@2.0.0'),
    ]) {
      expect(pinned.status).toBe(410);
      expect(JSON.parse(pinned.body).error.code).toBe('PLUGIN_VERSION_WITHDRAWN');
    }
    // The rule pointing at it is gone; the build rolled back to still answers pins.
    expect(await call('versioned', { 'x-beta': 'yes' })).toEqual({ status: 200, body: '1.0.0:x' });
    expect((await call('versioned', { 'x-plugin-version': '1.0.0' })).status).toBe(200);
    const view = await json(await t.app.request('/v1/admin/plugins/versioned', admin()));
    expect(view.traffic).toEqual({});
    expect(view.withdrawn).toMatchObject([{ version: '2.0.0', backend: 'wasm' }]);
    expect(view.versions).toMatchObject([
      { version: '1.0.0', role: 'active', withdrawn: false },
      { version: '2.0.0', role: 'previous', withdrawn: true, weight: 0 },
    ]);
    // Weights and rules may not send traffic to it until then.
    const refused = await t.app.request(
      '/v1/admin/plugins/versioned/traffic',
      admin({ method: 'PUT', body: JSON.stringify({ weights: { '2.0.0': 1, '1.0.0': 1 } }) }),
    );
    expect(refused.status).toBe(400);
    expect((await post('/v1/admin/plugins/versioned/activate', { version: '2.0.0' })).status).toBe(
      200,
    );
    expect(await call('versioned', { 'x-plugin-version': '2.0.0' })).toEqual({
      status: 200,
      body: '2.0.0:x',
    });
    const stored = parseRouting(readFileSync(join(plugins.root, ROUTING_FILE), 'utf8'));
    expect(stored.plugins.get('versioned')?.withdrawn).toEqual([]);
  });

  it('withdraws the previous build on request, and refuses to withdraw the active one', async () => {
    await versionedAt2();
    const active = await post('/v1/admin/plugins/versioned/withdraw', { version: '2.0.0' });
    expect([active.status, (await json(active)).error.code]).toEqual([409, 'ROLLOUT_CONFLICT']);
    expect((await post('/v1/admin/plugins/versioned/withdraw', { version: '1.0.0' })).status).toBe(
      200,
    );
    expect((await call('versioned', { 'x-plugin-version': '1.0.0' })).status).toBe(410);
    expect(await call('versioned')).toEqual({ status: 200, body: '2.0.0:x' });
  });
});

describe('refused uploads', () => {
  it('withdraw the refused build: pinned requests to its version get 410, the view says why', async () => {
    plugins.versioned();
    t = await testApp(plugins.root);
    const cases = {
      cases: [{ name: 'v2', input: { utf8: 'x' }, expect: { output: { utf8: '2.0.0:x' } } }],
    };
    writeFileSync(join(plugins.root, 'versioned', 'cases.json'), JSON.stringify(cases));
    const bytes = readFileSync(fixture('wasm/versioned-v3-trap.wasm'));
    const refused = await t.app.request(
      '/v1/admin/plugins/versioned/versions',
      admin({ method: 'POST', body: bytes, headers: { 'x-sha256': sha256(bytes) } }),
    );
    expect([refused.status, (await json(refused)).error.code]).toEqual([
      422,
      'PLUGIN_SELF_TEST_FAILED',
    ]);
    const pinned = await call('versioned', {}, 'versioned@3.0.0');
    expect([pinned.status, JSON.parse(pinned.body).error.code]).toEqual([
      410,
      'PLUGIN_VERSION_WITHDRAWN',
    ]);
    expect(await call('versioned')).toEqual({ status: 200, body: '1.0.0:x' });
    expect(t.service.describe('versioned')?.withdrawn).toEqual([
      {
        sha256: sha256(bytes),
        version: '3.0.0',
        backend: 'wasm',
        reason: 'upload refused: PLUGIN_SELF_TEST_FAILED',
      },
    ]);
  });
});

describe('plugins named like Object.prototype properties', () => {
  it.each([
    ['constructor', 'constructor'],
    ['toString', 'to-string'],
    ['hasOwnProperty', 'has-own-property'],
  ])('%s: served, rolled back, and written to the routing file', async (name, file) => {
    plugins.put(name, `${name}.wasm`, fixture(`wasm/named-${file}-v1.wasm`));
    t = await testApp(plugins.root);
    expect(await call(name)).toEqual({ status: 200, body: '1.0.0:x' });
    await upload(name, fixture(`wasm/named-${file}-v2.wasm`));
    expect(await call(name)).toEqual({ status: 200, body: '2.0.0:x' });
    const rolled = await post(`/v1/admin/plugins/${name}/rollback`);
    expect([rolled.status, (await json(rolled)).active]).toEqual([200, '1.0.0']);
    expect(await call(name)).toEqual({ status: 200, body: '1.0.0:x' });
    expect((await call(name, { 'x-plugin-version': '2.0.0' })).status).toBe(410);
    const text = readFileSync(join(plugins.root, ROUTING_FILE), 'utf8');
    const raw = JSON.parse(text) as { plugins: Record<string, unknown> };
    expect(Object.hasOwn(raw.plugins, name)).toBe(true);
    expect(parseRouting(text).plugins.get(name)).toMatchObject({
      command: { type: 'rollback', trigger: 'manual' },
      withdrawn: [{ version: '2.0.0' }],
    });
    expect(Object.getPrototypeOf(raw.plugins)).toBe(Object.prototype);
    expect(t.service.list().map((view) => view.name)).toEqual([name]);
  });

  it('refuses __proto__ (not a plugin name: it starts with "_") before anything is touched', async () => {
    t = await testApp(plugins.root);
    const response = await post('/v1/admin/plugins/__proto__/rollback');
    expect([response.status, (await json(response)).error.code]).toEqual([
      400,
      'INVALID_PLUGIN_NAME',
    ]);
  });
});
