import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fixture, tempPlugins } from '../test-support/plugins-folder.js';
import { ADMIN_TOKEN, admin, type TestApp, testApp } from '../test-support/test-app.js';

let plugins: ReturnType<typeof tempPlugins>;
let t: TestApp;

beforeEach(() => {
  plugins = tempPlugins();
  plugins.versioned();
});

afterEach(async () => {
  await t?.close();
  plugins.cleanup();
});

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
const call = async (body = 'x', headers: Record<string, string> = {}) => {
  const response = await t.app.request('/v1/plugins/versioned', { method: 'POST', body, headers });
  return response.text();
};
const code = async (response: Response) =>
  ((await response.json()) as { error: { code: string } }).error.code;

function upload(file: string, query = '', headers: Record<string, string> = {}) {
  const bytes = readFileSync(file);
  return t.app.request(
    `/v1/admin/plugins/versioned/versions${query}`,
    admin({ method: 'POST', body: bytes, headers: { 'x-sha256': sha256(bytes), ...headers } }),
  );
}

describe('admin authentication', () => {
  it('is off, and says so, without TWINPLUG_ADMIN_TOKEN', async () => {
    t = await testApp(plugins.root, { TWINPLUG_ADMIN_TOKEN: '' });
    const response = await t.app.request('/v1/admin/plugins', admin());
    expect(response.status).toBe(403);
    expect(await code(response)).toBe('ADMIN_DISABLED');
  });

  it('asks for a bearer token (401) and refuses a wrong one (401 KEY_INVALID)', async () => {
    t = await testApp(plugins.root);
    const none = await t.app.request('/v1/admin/plugins');
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect(await code(none)).toBe('UNAUTHORIZED');
    const basic = await t.app.request('/v1/admin/plugins', {
      headers: { authorization: `Basic ${ADMIN_TOKEN}` },
    });
    expect(basic.status).toBe(401);
    for (const wrong of [`${ADMIN_TOKEN}x`, ADMIN_TOKEN.replace('t', 'T')]) {
      const response = await t.app.request('/v1/admin/plugins', {
        headers: { authorization: `Bearer ${wrong}` },
      });
      expect(response.status).toBe(401);
      expect(await code(response)).toBe('KEY_INVALID');
    }
    // What the token rule refuses at startup cannot be a token: malformed, as without one.
    for (const malformed of ['short', `${ADMIN_TOKEN} x`]) {
      const response = await t.app.request('/v1/admin/plugins', {
        headers: { authorization: `Bearer ${malformed}` },
      });
      expect(response.status).toBe(401);
      expect(await code(response)).toBe('UNAUTHORIZED');
    }
    // Nothing was changed by the refused requests.
    const refused = await t.app.request('/v1/admin/plugins/versioned/rollback', { method: 'POST' });
    expect(refused.status).toBe(401);
    expect(await call('a')).toBe('1.0.0:a');
  });

  it('refuses path tricks in names and writes nothing outside the plugins folder', async () => {
    t = await testApp(plugins.root);
    const bytes = readFileSync(fixture('wasm/versioned-v2.wasm'));
    for (const name of ['..%2Fevil', '..%5Cevil', 'a%2Fb', '%2Fetc', 'evil%00', '-rf', '.hidden']) {
      const response = await t.app.request(
        `/v1/admin/plugins/${name}/versions`,
        admin({ method: 'POST', body: bytes, headers: { 'x-sha256': sha256(bytes) } }),
      );
      expect(response.status, name).toBe(400);
      expect(await code(response)).toBe('INVALID_PLUGIN_NAME');
      const removed = await t.app.request(`/v1/admin/plugins/${name}`, admin({ method: 'DELETE' }));
      expect(removed.status, name).toBe(400);
    }
    expect(readdirSync(plugins.root).filter((file) => !file.startsWith('.'))).toEqual([
      'versioned',
    ]);
    expect(existsSync(join(dirname(plugins.root), 'evil'))).toBe(false);
  });
});

describe('admin API', () => {
  beforeEach(async () => {
    t = await testApp(plugins.root, { TWINPLUG_ALLOW_NATIVE_UPLOADS: 'false' });
  });

  it('lists and inspects plugins: versions, backend, state, sha256, traffic, counts', async () => {
    await call();
    const list = (await (await t.app.request('/v1/admin/plugins', admin())).json()) as {
      plugins: unknown[];
    };
    expect(list.plugins).toHaveLength(1);
    const inspected = await t.app.request('/v1/admin/plugins/versioned', admin());
    expect(await inspected.json()).toMatchObject({
      name: 'versioned',
      active: '1.0.0',
      traffic: {},
      versions: [
        {
          version: '1.0.0',
          backend: 'wasm',
          state: 'active',
          role: 'active',
          weight: 100,
          calls: 1,
          errors: 0,
          sha256: sha256(readFileSync(fixture('wasm/versioned.wasm'))),
          fileVersion: null,
        },
      ],
    });
    expect((await t.app.request('/v1/admin/plugins/missing', admin())).status).toBe(404);
  });

  it('uploads a version through the folder: it is checked, written atomically and swapped in', async () => {
    const response = await upload(fixture('wasm/versioned-v2.wasm'));
    expect(response.status).toBe(201);
    expect(await response.json()).toMatchObject({
      outcome: 'activated',
      version: { version: '2.0.0', backend: 'wasm' },
    });
    expect(await call('b')).toBe('2.0.0:b');
    // The replaced build is archived beside it (the watcher ignores the subfolder), for rollbacks.
    expect(readdirSync(join(plugins.root, 'versioned')).sort()).toEqual([
      '.previous',
      'plugin.json',
      'versioned.wasm',
    ]);
    expect(readdirSync(join(plugins.root, 'versioned', '.previous'))).toEqual([
      `${sha256(readFileSync(fixture('wasm/versioned.wasm')))}.wasm`,
    ]);
    const again = await upload(fixture('wasm/versioned-v2.wasm'));
    expect(again.status).toBe(200);
    expect(await again.json()).toMatchObject({ outcome: 'unchanged' });
  });

  it('refuses an upload whose X-Sha256 is missing or wrong, and native uploads unless enabled', async () => {
    const bytes = readFileSync(fixture('wasm/versioned-v2.wasm'));
    const missing = await t.app.request(
      '/v1/admin/plugins/versioned/versions',
      admin({ method: 'POST', body: bytes }),
    );
    expect([missing.status, await code(missing)]).toEqual([400, 'SHA256_REQUIRED']);
    const wrong = await upload(fixture('wasm/versioned-v2.wasm'), '', {
      'x-sha256': 'ab'.repeat(32),
    });
    expect([wrong.status, await code(wrong)]).toEqual([400, 'SHA256_MISMATCH']);
    const native = await upload(fixture('native/versioned-2.0.0.so'), '?backend=native');
    expect([native.status, await code(native)]).toEqual([403, 'NATIVE_UPLOAD_DISABLED']);
    expect(await call('c')).toBe('1.0.0:c');
  });

  it('lands a native upload beside a preferred Wasm build as the twin, for pinned requests', async () => {
    await t.close();
    t = await testApp(plugins.root, { TWINPLUG_ALLOW_NATIVE_UPLOADS: 'true' });
    const response = await upload(fixture('native/versioned-2.0.0.so'), '?backend=native');
    expect(response.status).toBe(201);
    expect(await response.json()).toMatchObject({
      outcome: 'twin-activated',
      version: { version: '2.0.0', backend: 'native' },
    });
    expect(readdirSync(join(plugins.root, 'versioned')).sort()).toEqual([
      'plugin.json',
      'versioned.so',
      'versioned.wasm',
    ]);
    expect(await call('n', { 'x-plugin-backend': 'native' })).toBe('2.0.0:n');
    expect(await call('w')).toBe('1.0.0:w');
  });

  it('reports a candidate the registry refuses with its code, and keeps serving', async () => {
    const response = await upload(fixture('wasm/trap.wasm'));
    expect(response.status).toBe(422);
    expect(await code(response)).toBe('PLUGIN_NAME_MISMATCH');
    expect(await call('d')).toBe('1.0.0:d');
  });

  // Once raced under load (a late folder event re-activating the build the activation restored):
  // folder changes now run in turn with the plugin's rollout transitions, so no retry.
  it('activates the previous version, splits traffic, routes by header and sticky key, rolls back', async () => {
    await upload(fixture('wasm/versioned-v2.wasm'));
    const activated = await t.app.request(
      '/v1/admin/plugins/versioned/activate',
      admin({ method: 'POST', body: JSON.stringify({ version: '1.0.0' }) }),
    );
    expect(activated.status).toBe(200);
    expect(await call('e')).toBe('1.0.0:e');
    // Only 1.0.0 and 2.0.0 are loaded: 80/20, admins to 2.0.0, users sticky by X-User-ID.
    const traffic = {
      weights: { '1.0.0': 80, '2.0.0': 20 },
      rules: [{ header: 'X-User-Role', value: 'admin', version: '2.0.0' }],
      stickyHeader: 'X-User-ID',
    };
    const set = await t.app.request(
      '/v1/admin/plugins/versioned/traffic',
      admin({ method: 'PUT', body: JSON.stringify(traffic) }),
    );
    expect(set.status).toBe(200);
    expect(await set.json()).toMatchObject({
      versions: [
        { version: '1.0.0', weight: 80 },
        { version: '2.0.0', weight: 20 },
      ],
    });
    for (let index = 0; index < 10; index += 1)
      expect(await call('f', { 'x-user-role': 'admin' })).toBe('2.0.0:f');
    const seen = new Map<string, Set<string>>();
    for (let user = 0; user < 40; user += 1) {
      for (let round = 0; round < 3; round += 1) {
        const answer = await call('g', { 'x-user-id': `user-${user}` });
        seen.set(`user-${user}`, (seen.get(`user-${user}`) ?? new Set()).add(answer));
      }
    }
    expect([...seen.values()].every((answers) => answers.size === 1)).toBe(true);
    const versions = new Set([...seen.values()].flatMap((answers) => [...answers]));
    expect(versions).toEqual(new Set(['1.0.0:g', '2.0.0:g']));
    const rolled = await t.app.request(
      '/v1/admin/plugins/versioned/rollback',
      admin({ method: 'POST' }),
    );
    expect(rolled.status).toBe(200);
    expect(await rolled.json()).toMatchObject({ active: '2.0.0' });
    expect(await call('h')).toBe('2.0.0:h');
  });

  it('refuses invalid traffic documents with INVALID_TRAFFIC', async () => {
    for (const body of [
      '{"weights":{"latest":1}}',
      '{"weights":{"1.0.0":0}}',
      '{"colour":"blue"}',
      '{"rules":[{"header":"a b","value":"x","version":"1.0.0"}]}',
    ]) {
      const response = await t.app.request(
        '/v1/admin/plugins/versioned/traffic',
        admin({ method: 'PUT', body }),
      );
      expect([response.status, await code(response)], body).toEqual([400, 'INVALID_TRAFFIC']);
    }
    const notJson = await t.app.request(
      '/v1/admin/plugins/versioned/traffic',
      admin({ method: 'PUT', body: '{' }),
    );
    expect([notJson.status, await code(notJson)]).toEqual([400, 'BAD_REQUEST']);
  });

  it('rolls back only with a previous version (409) and activates only loaded versions (404)', async () => {
    const rollback = await t.app.request(
      '/v1/admin/plugins/versioned/rollback',
      admin({ method: 'POST' }),
    );
    expect([rollback.status, await code(rollback)]).toEqual([409, 'PLUGIN_ROLLBACK_UNAVAILABLE']);
    const activate = await t.app.request(
      '/v1/admin/plugins/versioned/activate',
      admin({ method: 'POST', body: '{"version":"7.0.0"}' }),
    );
    expect([activate.status, await code(activate)]).toEqual([404, 'PLUGIN_NOT_FOUND']);
  });

  it('removes a plugin: its folder goes, the watcher unloads it, calls get 404', async () => {
    const removed = await t.app.request('/v1/admin/plugins/versioned', admin({ method: 'DELETE' }));
    expect(removed.status).toBe(204);
    expect(existsSync(join(plugins.root, 'versioned'))).toBe(false);
    const response = await t.app.request('/v1/plugins/versioned', { method: 'POST', body: 'x' });
    expect([response.status, await code(response)]).toEqual([404, 'PLUGIN_NOT_FOUND']);
    expect(
      (await t.app.request('/v1/admin/plugins/versioned', admin({ method: 'DELETE' }))).status,
    ).toBe(404);
  });
});
