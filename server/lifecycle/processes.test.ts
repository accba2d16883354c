import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { fixture, tempPlugins } from '../test-support/plugins-folder.js';
import { killSpawned, type SpawnedServer, spawnServer } from '../test-support/spawned-server.js';
import { ADMIN_TOKEN, eventually } from '../test-support/test-app.js';

let server: SpawnedServer | undefined;
let plugins: ReturnType<typeof tempPlugins>;

afterEach(async () => {
  await killSpawned(server);
  server = undefined;
  plugins?.cleanup();
});

/** A request on a fresh connection (so cluster workers take turns). */
async function fresh(url: string, init: RequestInit = {}): Promise<Response> {
  return fetch(url, {
    ...init,
    headers: { connection: 'close', ...(init.headers as Record<string, string>) },
  });
}

const admin = (bytes?: Uint8Array) => ({
  authorization: `Bearer ${ADMIN_TOKEN}`,
  ...(bytes === undefined ? {} : { 'x-sha256': createHash('sha256').update(bytes).digest('hex') }),
});

describe('twinplug serve as a process', () => {
  it('on SIGTERM stops accepting, finishes the request in flight, cleans up and exits 0', async () => {
    plugins = tempPlugins();
    plugins.samples('upper');
    server = await spawnServer(plugins.root);
    await server.waitFor((line) => line.msg === 'ready');
    const { port } = new URL(server.url);
    // A request whose body is still arriving when the signal comes.
    const response = new Promise<{ status: number; body: string }>((done, fail) => {
      const req = request(
        {
          host: '127.0.0.1',
          port,
          method: 'POST',
          path: '/v1/plugins/upper',
          headers: { 'content-length': 10 },
        },
        (res) => {
          let body = '';
          res.on('data', (chunk) => {
            body += chunk;
          });
          res.on('end', () => done({ status: res.statusCode ?? 0, body }));
        },
      );
      req.on('error', fail);
      req.write('hello');
      setTimeout(() => {
        server!.child.kill('SIGTERM');
        setTimeout(() => req.end('world'), 300);
      }, 300);
    });
    await server.waitFor(
      (line) => typeof line.msg === 'string' && line.msg.startsWith('shutting down'),
    );
    await expect(fresh(`${server.url}/healthz`)).rejects.toThrow();
    expect(await response).toEqual({ status: 200, body: 'HELLOWORLD' });
    expect(await server.exited).toBe(0);
    expect(
      server.lines.some((line) => line.msg === 'stopped: every plugin cleaned up and unloaded'),
    ).toBe(true);
  }, 30_000);

  it('with --workers 2, uploads and rollbacks reach every worker', async () => {
    plugins = tempPlugins();
    plugins.versioned();
    server = await spawnServer(plugins.root, ['--workers', '2']);
    await server.waitFor((line) => line.msg === 'ready', 2);
    const url = server.url;
    const pids = new Set<number>();
    for (let index = 0; index < 40 && pids.size < 2; index += 1) {
      pids.add(((await (await fresh(`${url}/healthz`)).json()) as { pid: number }).pid);
    }
    expect(pids.size).toBe(2);
    const answers = async () => {
      const seen = new Set<string>();
      for (let index = 0; index < 20; index += 1) {
        const text = await (
          await fresh(`${url}/v1/plugins/versioned`, { method: 'POST', body: 'x' })
        ).text();
        seen.add(text);
      }
      return seen;
    };
    const v2 = readFileSync(fixture('wasm/versioned-v2.wasm'));
    const uploaded = await fresh(`${url}/v1/admin/plugins/versioned/versions`, {
      method: 'POST',
      body: v2,
      headers: admin(v2),
    });
    expect(uploaded.status).toBe(201);
    await eventually(
      async () => (await answers()).size === 1 && (await answers()).has('2.0.0:x'),
      15_000,
    );
    const rolled = await fresh(`${url}/v1/admin/plugins/versioned/rollback`, {
      method: 'POST',
      headers: admin(),
    });
    expect(rolled.status).toBe(200);
    await eventually(async () => {
      const seen = await answers();
      return seen.size === 1 && seen.has('1.0.0:x');
    }, 15_000);
    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);
    expect(
      server.lines.filter((line) => line.msg === 'stopped: every plugin cleaned up and unloaded'),
    ).toHaveLength(2);
  }, 60_000);
});
