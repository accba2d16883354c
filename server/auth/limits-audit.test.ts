import { readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '../observability/logger.js';
import { tempPlugins } from '../test-support/plugins-folder.js';
import { admin, type TestApp, testApp } from '../test-support/test-app.js';
import type { AuditEntry } from './audit-log.js';
import { openAccess } from './open-access.js';

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

const bearer = (secret: string, init: RequestInit = {}): RequestInit => ({
  ...init,
  headers: { authorization: `Bearer ${secret}`, ...(init.headers as Record<string, string>) },
});

async function createKey(body: Record<string, unknown>): Promise<{ id: string; secret: string }> {
  const response = await t.app.request(
    '/v1/admin/keys',
    admin({ method: 'POST', body: JSON.stringify(body) }),
  );
  const created = (await response.json()) as { key: { id: string }; secret: string };
  return { id: created.key.id, secret: created.secret };
}

describe('rate limits', () => {
  it('answers 429 with Retry-After to a key over its rate while another key goes through', async () => {
    t = await testApp(plugins.root);
    const hammer = await createKey({ role: 'caller', plugins: ['upper'], rps: 2 });
    const calm = await createKey({ role: 'caller', plugins: ['upper'] });
    const call = (secret: string) =>
      t.app.request('/v1/plugins/upper', bearer(secret, { method: 'POST', body: 'a' }));
    const statuses: number[] = [];
    let limited: Response | undefined;
    for (let index = 0; index < 20; index += 1) {
      const response = await call(hammer.secret);
      statuses.push(response.status);
      if (response.status === 429) limited ??= response;
      const other = await call(calm.secret);
      expect(other.status).toBe(200);
      expect(await other.text()).toBe('A');
    }
    expect(statuses.filter((status) => status === 429).length).toBeGreaterThan(0);
    expect(statuses[0]).toBe(200);
    expect(Number(limited!.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    const body = (await limited!.json()) as { error: { code: string; details: { limit: string } } };
    expect(body.error).toMatchObject({ code: 'RATE_LIMITED', details: { limit: 'key' } });
  });

  it('limits a plugin for everyone, anonymous callers included', async () => {
    t = await testApp(plugins.root, { TWINPLUG_LIMIT_PLUGIN_RPS: '1' });
    const statuses: number[] = [];
    for (let index = 0; index < 10; index += 1)
      statuses.push(
        (await t.app.request('/v1/plugins/upper', { method: 'POST', body: 'a' })).status,
      );
    expect(statuses).toContain(429);
    const other = await t.app.request('/v1/plugins/versioned', { method: 'POST', body: 'a' });
    expect(other.status).toBe(200);
  });
});

describe('the audit log', () => {
  it('holds one line per admin action, with the key id, result and trace ID', async () => {
    t = await testApp(plugins.root);
    const deployer = await createKey({ role: 'deployer', plugins: ['versioned'] });
    const headers = { 'x-trace-id': 'trace-traffic-1' };
    const traffic = JSON.stringify({
      weights: { '1.0.0': 1 },
      rules: [{ header: 'x-beta', value: 'secret-rule-value', version: '1.0.0' }],
    });
    await t.app.request(
      '/v1/admin/plugins/versioned/traffic',
      bearer(deployer.secret, { method: 'PUT', body: traffic, headers }),
    );
    await t.app.request(
      '/v1/admin/plugins/upper/rollback',
      bearer(deployer.secret, { method: 'POST' }),
    );
    await t.app.request('/v1/admin/plugins/versioned/rollback', { method: 'POST' });
    const lines = readFileSync(t.config.audit.file, 'utf8').trim().split('\n');
    const entries = lines.map((line) => JSON.parse(line) as AuditEntry);
    expect(entries.map((e) => [e.action, e.keyId, e.plugin ?? null, e.result, e.status])).toEqual([
      ['key-create', 'admin-token', null, 'ok', 201],
      ['traffic', deployer.id, 'versioned', 'ok', 200],
      ['rollback', deployer.id, 'upper', 'refused', 403],
      ['rollback', null, 'versioned', 'refused', 401],
    ]);
    expect(entries[1]).toMatchObject({ traceId: 'trace-traffic-1', details: { rules: 1 } });
    expect(entries[2]!.code).toBe('SCOPE_DENIED');
    expect(readFileSync(t.config.audit.file, 'utf8')).not.toContain('secret-rule-value');
    expect(t.logs.filter((line) => line.msg === 'audit')).toHaveLength(4);
    // Paged through the admin API.
    const first = (await (await t.app.request('/v1/admin/audit?limit=3', admin())).json()) as {
      entries: AuditEntry[];
      next: number;
    };
    expect(first.entries.map((e) => e.action)).toEqual(['key-create', 'traffic', 'rollback']);
    const second = (await (
      await t.app.request(`/v1/admin/audit?from=${first.next}&limit=3`, admin())
    ).json()) as { entries: AuditEntry[]; next?: number };
    expect(second.entries.map((e) => e.keyId)).toEqual([null]);
    expect(second.next).toBeUndefined();
    // The admin's dashboard shows the latest, newest first; the anonymous one does not.
    const dashboard = (await (await t.app.request('/v1/dashboard', admin())).json()) as {
      audit: AuditEntry[];
    };
    expect(dashboard.audit.map((e) => e.action)).toEqual([
      'rollback',
      'rollback',
      'traffic',
      'key-create',
    ]);
    expect(await (await t.app.request('/v1/dashboard')).text()).not.toContain('key-create');
  });
});

describe('the keys file', () => {
  it('is never read or written through a symbolic link', async () => {
    const target = `${plugins.root}.target`;
    writeFileSync(target, 'do not touch', { mode: 0o600 });
    const keysFile = `${plugins.root}.keys.json`;
    symlinkSync(target, keysFile);
    const config = {
      adminToken: undefined,
      auth: { required: false, keysFile },
      audit: { file: `${plugins.root}.audit.jsonl` },
      limits: { keyRps: 0, keyBurst: 0, pluginRps: 0, pluginBurst: 0 },
    };
    await expect(openAccess(config, createLogger('silent'))).rejects.toMatchObject({
      code: 'KEYS_FILE_INVALID',
    });
    expect(readFileSync(target, 'utf8')).toBe('do not touch');
    rmSync(target);
  });
});
