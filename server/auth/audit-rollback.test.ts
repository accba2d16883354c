import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../config/load-config.js';
import { startServer } from '../lifecycle/start-server.js';
import { createLogger } from '../observability/logger.js';
import { fixture, tempPlugins } from '../test-support/plugins-folder.js';
import { admin, eventually, type TestApp, testApp } from '../test-support/test-app.js';
import type { AuditEntry } from './audit-log.js';

let plugins: ReturnType<typeof tempPlugins>;
let t: TestApp | undefined;

afterEach(async () => {
  await t?.close();
  t = undefined;
  plugins.cleanup();
});

const entries = (file: string): AuditEntry[] =>
  readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as AuditEntry);

describe('the audit log and the server itself', () => {
  it('records an automatic rollback with no key id', async () => {
    plugins = tempPlugins();
    plugins.versioned();
    t = await testApp(plugins.root, { TWINPLUG_CANARY_MIN_CALLS: '20' });
    const app = t;
    const bytes = readFileSync(fixture('wasm/versioned-v3-trap.wasm'));
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    const uploaded = await app.app.request(
      '/v1/admin/plugins/versioned/versions',
      admin({ method: 'POST', body: bytes, headers: { 'x-sha256': sha256 } }),
    );
    expect(uploaded.status).toBe(201);
    for (let index = 0; index < 40; index += 1)
      await app.app.request('/v1/plugins/versioned', { method: 'POST', body: 'x' });
    await eventually(() => entries(app.config.audit.file).length === 2);
    const [upload, rollback] = entries(app.config.audit.file);
    expect(upload).toMatchObject({ action: 'upload', keyId: 'admin-token', result: 'ok' });
    expect(rollback).toMatchObject({
      action: 'rollback',
      keyId: null,
      plugin: 'versioned',
      result: 'ok',
      details: { trigger: 'automatic' },
    });
  });

  it('warns at startup when it listens beyond loopback without auth.required', async () => {
    plugins = tempPlugins();
    const lines: Record<string, unknown>[] = [];
    const sink = new Writable({
      write(chunk, _encoding, done) {
        for (const line of String(chunk).split('\n')) if (line !== '') lines.push(JSON.parse(line));
        done();
      },
    });
    const start = async (env: Record<string, string>) => {
      const config = loadConfig({
        env,
        flags: { plugins: plugins.root, port: '0', host: '0.0.0.0' },
        cwd: plugins.root,
      });
      const running = await startServer(config, { log: createLogger('info', sink) });
      await running.close();
    };
    await start({});
    expect(
      lines.filter((line) => line.level === 40 && /auth\.required/.test(String(line.msg))),
    ).toHaveLength(1);
    await start({ TWINPLUG_AUTH_REQUIRED: 'true' });
    expect(lines.filter((line) => /auth\.required/.test(String(line.msg)))).toHaveLength(1);
  });
});
