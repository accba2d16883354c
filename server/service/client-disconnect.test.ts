import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fixture, tempPlugins } from '../test-support/plugins-folder.js';
import { realServer } from '../test-support/real-server.js';
import { eventually, type TestApp, testApp } from '../test-support/test-app.js';

let plugins: ReturnType<typeof tempPlugins>;
let t: TestApp;

beforeEach(() => {
  plugins = tempPlugins();
});

afterEach(async () => {
  await t?.close();
  plugins.cleanup();
});

async function code(response: Response): Promise<[number, string]> {
  const body = (await response.json()) as { error: { code: string } };
  return [response.status, body.error.code];
}

describe('a client that disconnects', () => {
  it('takes its call with it: the queued call is dropped, the running one ended (499 PLUGIN_CANCELLED)', async () => {
    plugins.put('endless-loop', 'endless-loop.wasm', fixture('wasm/endless-loop.wasm'));
    // In a worker: a metered in-process call (the folder's default for Wasm) runs on the event
    // loop's thread, so no disconnect can be seen before its deadline stops it.
    const limits = { concurrency: 1, timeoutMs: 600_000 };
    writeFileSync(
      join(plugins.root, 'endless-loop', 'plugin.json'),
      JSON.stringify({ isolation: 'worker', limits }),
    );
    t = await testApp(plugins.root, { TWINPLUG_TWINS: 'false' });
    const send = (signal: AbortSignal) =>
      t.app.request('/v1/plugins/endless-loop', { method: 'POST', body: 'x', signal });
    const [running, queued] = [new AbortController(), new AbortController()];
    const first = send(running.signal);
    const second = send(queued.signal);
    const inFlight = () => t.service.describe('endless-loop')?.versions[0]?.inFlight ?? 0;
    while (inFlight() < 2) await new Promise((resolve) => setImmediate(resolve));
    queued.abort();
    expect(await code(await second)).toEqual([499, 'PLUGIN_CANCELLED']);
    running.abort();
    expect(await code(await first)).toEqual([499, 'PLUGIN_CANCELLED']);
    expect(inFlight()).toBe(0);
  });

  it('on a real connection too: the call in a worker ends when the client goes', async () => {
    // Over HTTP the route asks for the signal only for a call that may wait (client-signal.ts):
    // a build in a worker gets it, and the endless call ends with the connection.
    plugins.put('endless-loop', 'endless-loop.wasm', fixture('wasm/endless-loop.wasm'));
    writeFileSync(
      join(plugins.root, 'endless-loop', 'plugin.json'),
      JSON.stringify({ isolation: 'worker', limits: { timeoutMs: 600_000 } }),
    );
    const server = await realServer(plugins.root, { TWINPLUG_TWINS: 'false' });
    try {
      const inFlight = () => server.service.describe('endless-loop')?.versions[0]?.inFlight ?? 0;
      const client = new AbortController();
      const call = fetch(`${server.url}/v1/plugins/endless-loop`, {
        method: 'POST',
        body: 'x',
        signal: client.signal,
      }).catch(() => undefined);
      await eventually(() => inFlight() === 1);
      client.abort();
      await call;
      await eventually(() => inFlight() === 0);
    } finally {
      await server.close();
    }
  });
});
