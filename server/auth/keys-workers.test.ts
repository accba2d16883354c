import { afterEach, describe, expect, it } from 'vitest';
import { tempPlugins } from '../test-support/plugins-folder.js';
import {
  freshRequest,
  killSpawned,
  type SpawnedServer,
  spawnServer,
} from '../test-support/spawned-server.js';
import { ADMIN_TOKEN } from '../test-support/test-app.js';

let server: SpawnedServer | undefined;
let plugins: ReturnType<typeof tempPlugins>;

afterEach(async () => {
  await killSpawned(server);
  server = undefined;
  plugins?.cleanup();
});

describe('API keys with --workers 2', () => {
  it('a key works on every worker as soon as it is created, and on none once revoked', async () => {
    plugins = tempPlugins();
    plugins.samples('upper');
    server = await spawnServer(plugins.root, ['--workers', '2']);
    await server.waitFor((line) => line.msg === 'ready', 2);
    const url = server.url;
    const pids = new Set<number>();
    for (let index = 0; index < 40 && pids.size < 2; index += 1)
      pids.add(((await (await freshRequest(`${url}/healthz`)).json()) as { pid: number }).pid);
    expect(pids.size).toBe(2);
    const created = await freshRequest(`${url}/v1/admin/keys`, {
      method: 'POST',
      body: JSON.stringify({ role: 'caller', plugins: ['upper'] }),
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
    });
    expect(created.status).toBe(201);
    const { key, secret } = (await created.json()) as { key: { id: string }; secret: string };
    // Every worker knows the key at once (20 fresh connections: both workers, in turn).
    const statuses = async () => {
      const seen: number[] = [];
      for (let index = 0; index < 20; index += 1)
        seen.push(
          (
            await freshRequest(`${url}/v1/plugins/upper`, {
              method: 'POST',
              body: 'a',
              headers: { authorization: `Bearer ${secret}` },
            })
          ).status,
        );
      return new Set(seen);
    };
    expect(await statuses()).toEqual(new Set([200]));
    const revoked = await freshRequest(`${url}/v1/admin/keys/${key.id}`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
    });
    expect(revoked.status).toBe(200);
    expect(await statuses()).toEqual(new Set([401]));
  }, 60_000);
});
