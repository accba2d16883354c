import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tempPlugins } from '../test-support/plugins-folder.js';
import { ADMIN_TOKEN, admin, type TestApp, testApp } from '../test-support/test-app.js';

let plugins: ReturnType<typeof tempPlugins>;
let t: TestApp;
const SECRET_VALUE = 'beta-tester-key-7f3a9c';

beforeEach(() => {
  plugins = tempPlugins();
  plugins.versioned();
});

afterEach(async () => {
  await t?.close();
  plugins.cleanup();
});

async function withRule(env: Record<string, string> = {}): Promise<string> {
  t = await testApp(plugins.root, env);
  const traffic = {
    rules: [{ header: 'x-beta', value: SECRET_VALUE, version: '1.0.0' }],
    stickyHeader: 'x-user',
  };
  const set = await t.app.request(
    '/v1/admin/plugins/versioned/traffic',
    admin({ method: 'PUT', body: JSON.stringify(traffic) }),
  );
  expect(set.status).toBe(200);
  return t.service.describe('versioned')!.versions[0]!.sha256;
}

const basic = (secret: string) => ({
  authorization: `Basic ${Buffer.from(`anyone:${secret}`).toString('base64')}`,
});
const code = async (response: Response) =>
  ((await response.json()) as { error: { code: string } }).error.code;

describe('the dashboard without admin credentials', () => {
  it('shows names, versions and health, never rule values, header names or full hashes', async () => {
    const sha256 = await withRule();
    for (const path of ['/v1/dashboard', '/']) {
      const response = await t.app.request(path);
      expect(response.status, path).toBe(200);
      const text = await response.text();
      expect(text, path).toContain('versioned');
      expect(text, path).toContain('1.0.0');
      expect(text, path).toContain(sha256.slice(0, 12));
      for (const secret of [SECRET_VALUE, sha256, 'x-beta', 'x-user'])
        expect(text).not.toContain(secret);
    }
    const json = (await (await t.app.request('/v1/dashboard')).json()) as Record<string, unknown>;
    expect(json.view).toBe('redacted');
  });

  it('shows the full view to the admin token, as bearer or as the Basic password', async () => {
    const sha256 = await withRule();
    for (const headers of [{ authorization: `Bearer ${ADMIN_TOKEN}` }, basic(ADMIN_TOKEN)]) {
      const text = await (await t.app.request('/v1/dashboard', { headers })).text();
      expect(text).toContain(SECRET_VALUE);
      expect(text).toContain(sha256);
    }
    const wrong = await t.app.request('/v1/dashboard', { headers: basic(`${ADMIN_TOKEN}x`) });
    expect(wrong.status).toBe(401);
    expect(await code(wrong)).toBe('KEY_INVALID');
  });

  it('asks for credentials when set to admin, and is gone when off', async () => {
    await withRule({ TWINPLUG_DASHBOARD: 'admin' });
    for (const path of ['/v1/dashboard', '/']) {
      const response = await t.app.request(path);
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toMatch(/^Basic/);
      expect(await code(response)).toBe('UNAUTHORIZED');
      expect((await t.app.request(path, { headers: basic(ADMIN_TOKEN) })).status).toBe(200);
    }
    await t.close();
    await withRule({ TWINPLUG_DASHBOARD: 'off' });
    for (const path of ['/v1/dashboard', '/'])
      expect((await t.app.request(path, admin())).status).toBe(404);
  });
});
