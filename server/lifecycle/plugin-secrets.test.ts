// The defect of issue #10 (High 1), end to end: a native plugin dropped into the folder of a
// real server asks its environment for the admin token and for the cluster workers' config.
import { afterEach, describe, expect, it } from 'vitest';
import { fixture, tempPlugins } from '../test-support/plugins-folder.js';
import { killSpawned, type SpawnedServer, spawnServer } from '../test-support/spawned-server.js';

let server: SpawnedServer | undefined;
let plugins: ReturnType<typeof tempPlugins> | undefined;

afterEach(async () => {
  await killSpawned(server);
  server = undefined;
  plugins?.cleanup();
});

async function ask(url: string, request: string): Promise<string> {
  const response = await fetch(`${url}/v1/plugins/env-probe`, {
    method: 'POST',
    body: request,
    headers: { connection: 'close' },
  });
  expect(response.status).toBe(200);
  return response.text();
}

describe.skipIf(process.platform !== 'linux')(
  'a plugin of a running server (Linux: /proc probe)',
  () => {
    it('with --workers 2, never reads the admin token or the worker config from its environment', async () => {
      plugins = tempPlugins();
      plugins.put('env-probe', 'env-probe.so', fixture('native/env-probe.so'));
      server = await spawnServer(plugins.root, ['--workers', '2']);
      await server.waitFor((line) => line.msg === 'ready', 2);
      for (let index = 0; index < 6; index += 1) {
        expect(await ask(server.url, 'env:TWINPLUG_ADMIN_TOKEN')).toBe('<unset>');
        expect(await ask(server.url, 'env:TWINPLUG_WORKER_CONFIG')).toBe('<unset>');
      }
      expect(await ask(server.url, 'env:PATH')).toBe(process.env.PATH);
    }, 60_000);
  },
);
