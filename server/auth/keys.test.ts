import { readFileSync, statSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tempPlugins } from '../test-support/plugins-folder.js';
import { admin, type TestApp, testApp } from '../test-support/test-app.js';
import { tokenProblem } from './token-rule.js';

let plugins: ReturnType<typeof tempPlugins>;
let t: TestApp;

beforeEach(() => {
  plugins = tempPlugins();
  plugins.versioned();
  plugins.samples('upper');
});

afterEach(async () => {
  await t?.close();
  plugins.cleanup();
});

const code = async (response: Response) =>
  ((await response.json()) as { error: { code: string } }).error.code;
const bearer = (secret: string, init: RequestInit = {}): RequestInit => ({
  ...init,
  headers: { authorization: `Bearer ${secret}`, ...(init.headers as Record<string, string>) },
});

async function createKey(body: Record<string, unknown>): Promise<{ id: string; secret: string }> {
  const response = await t.app.request(
    '/v1/admin/keys',
    admin({ method: 'POST', body: JSON.stringify(body) }),
  );
  expect(response.status).toBe(201);
  const created = (await response.json()) as { key: { id: string }; secret: string };
  return { id: created.key.id, secret: created.secret };
}

/** A body that counts what was pulled from it: the scope must be checked before reading. */
function counted(text: string) {
  const pulled = { bytes: 0 };
  const bytes = new TextEncoder().encode(text);
  const body = new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        pulled.bytes += bytes.length;
        controller.enqueue(bytes);
        controller.close();
      },
    },
    { highWaterMark: 0 },
  );
  return { init: { method: 'POST', body, duplex: 'half' } as RequestInit, pulled };
}

const calls = (name: string) =>
  t.service.describe(name)!.versions.reduce((sum, version) => sum + version.calls, 0);

describe('API keys', () => {
  it('shows the secret once and stores only a salted scrypt hash, 0600', async () => {
    t = await testApp(plugins.root);
    const { id, secret } = await createKey({ role: 'caller', plugins: ['upper'], label: 'ci' });
    expect(secret).toMatch(new RegExp(`^tpk_${id}_`));
    expect(tokenProblem(secret)).toBeUndefined();
    const listed = await (await t.app.request('/v1/admin/keys', admin())).text();
    expect(listed).toContain(id);
    expect(listed).not.toContain(secret);
    expect(listed).not.toMatch(/"hash"|"salt"/);
    const file = t.config.auth.keysFile;
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const stored = readFileSync(file, 'utf8');
    expect(stored).not.toContain(secret.slice(20));
    expect(JSON.parse(stored).keys[0]).toMatchObject({ id, role: 'caller', label: 'ci' });
    expect(JSON.parse(stored).keys[0].hash).toMatch(/^[A-Za-z0-9+/]{43}=$/);
  });

  it('with auth.required: 401 without a key, 403 outside the scope before the body is read', async () => {
    t = await testApp(plugins.root, { TWINPLUG_AUTH_REQUIRED: 'true' });
    const { secret } = await createKey({ role: 'caller', plugins: ['upp*'] });
    const none = await t.app.request('/v1/plugins/upper', { method: 'POST', body: 'hi' });
    expect(none.status).toBe(401);
    expect(await code(none)).toBe('UNAUTHORIZED');
    const wrong = await t.app.request(
      '/v1/plugins/upper',
      bearer(`tpk_k000000000000_${'A'.repeat(43)}`, { method: 'POST', body: 'hi' }),
    );
    expect(await code(wrong)).toBe('KEY_INVALID');
    const ok = await t.app.request(
      '/v1/plugins/upper',
      bearer(secret, { method: 'POST', body: 'hi' }),
    );
    expect(await ok.text()).toBe('HI');
    const { init, pulled } = counted('x');
    const denied = await t.app.request('/v1/plugins/versioned', bearer(secret, init));
    expect(denied.status).toBe(403);
    expect(await code(denied)).toBe('SCOPE_DENIED');
    expect(pulled.bytes).toBe(0);
    expect(calls('versioned')).toBe(0);
    // A caller key opens nothing on the admin API.
    const listing = await t.app.request('/v1/admin/plugins', bearer(secret));
    expect(listing.status).toBe(403);
    expect(await code(listing)).toBe('FORBIDDEN');
  });

  it('limits a version-scoped caller to pinned versions in its ranges', async () => {
    t = await testApp(plugins.root, { TWINPLUG_AUTH_REQUIRED: 'true' });
    const { secret } = await createKey({
      role: 'caller',
      plugins: ['versioned'],
      versions: ['^1.0.0'],
    });
    const pinned = await t.app.request(
      '/v1/plugins/versioned@1.0.0',
      bearer(secret, { method: 'POST', body: 'a' }),
    );
    expect(await pinned.text()).toBe('1.0.0:a');
    for (const path of ['/v1/plugins/versioned', '/v1/plugins/versioned@2.0.0']) {
      const response = await t.app.request(path, bearer(secret, { method: 'POST', body: 'a' }));
      expect(response.status, path).toBe(403);
      expect(await code(response)).toBe('SCOPE_DENIED');
    }
  });

  it('lets a deployer change the plugins it names and nothing else', async () => {
    t = await testApp(plugins.root);
    const { secret } = await createKey({ role: 'deployer', plugins: ['versioned'] });
    const listed = (await (await t.app.request('/v1/admin/plugins', bearer(secret))).json()) as {
      plugins: { name: string }[];
    };
    expect(listed.plugins.map((p) => p.name)).toEqual(['versioned']);
    const traffic = JSON.stringify({ weights: { '1.0.0': 1 } });
    const own = await t.app.request(
      '/v1/admin/plugins/versioned/traffic',
      bearer(secret, { method: 'PUT', body: traffic }),
    );
    expect(own.status).toBe(200);
    const other = await t.app.request(
      '/v1/admin/plugins/upper/traffic',
      bearer(secret, { method: 'PUT', body: traffic }),
    );
    expect(await code(other)).toBe('SCOPE_DENIED');
    for (const [method, path] of [
      ['POST', '/v1/admin/keys'],
      ['GET', '/v1/admin/keys'],
      ['GET', '/v1/admin/audit'],
      ['DELETE', '/v1/admin/plugins/versioned'],
    ] as const) {
      const response = await t.app.request(
        path,
        bearer(secret, { method, body: method === 'POST' ? '{}' : null }),
      );
      expect(response.status, path).toBe(403);
      expect(await code(response)).toBe('FORBIDDEN');
    }
    expect(t.service.describe('versioned')).toBeDefined();
  });

  it('stops a revoked key at once', async () => {
    t = await testApp(plugins.root);
    const { id, secret } = await createKey({ role: 'caller', plugins: ['*'] });
    const call = () =>
      t.app.request('/v1/plugins/upper', bearer(secret, { method: 'POST', body: 'a' }));
    expect((await call()).status).toBe(200);
    const revoked = await t.app.request(`/v1/admin/keys/${id}`, admin({ method: 'DELETE' }));
    expect(revoked.status).toBe(200);
    expect(((await revoked.json()) as { key: { revoked?: number } }).key.revoked).toBeTypeOf(
      'number',
    );
    const after = await call();
    expect(after.status).toBe(401);
    expect(await code(after)).toBe('KEY_INVALID');
    const missing = await t.app.request(
      '/v1/admin/keys/k0123456789ab',
      admin({ method: 'DELETE' }),
    );
    expect(await code(missing)).toBe('KEY_NOT_FOUND');
  });

  it('refuses malformed key requests', async () => {
    t = await testApp(plugins.root);
    for (const body of [
      { role: 'root', plugins: ['*'] },
      { role: 'caller' },
      { role: 'caller', plugins: ['../x'] },
      { role: 'deployer', plugins: ['x'], versions: ['1.0.0'] },
      { role: 'caller', plugins: ['x'], versions: ['not a range!'] },
      { role: 'caller', plugins: ['x'], secret: 'mine' },
      { role: 'caller', plugins: ['x'], rps: -1 },
    ]) {
      const response = await t.app.request(
        '/v1/admin/keys',
        admin({ method: 'POST', body: JSON.stringify(body) }),
      );
      expect(response.status, JSON.stringify(body)).toBe(400);
    }
    expect(t.access.keys.list()).toEqual([]);
  });
});
