import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixture, tempPlugins } from '../test-support/plugins-folder.js';
import { type TestApp, testApp } from '../test-support/test-app.js';

// Plugins dropped into the folder cannot hang or crash the server by default (Wasm metered
// in-process, native in a child process): a hang or a crash is an HTTP error for that request,
// and the service goes on.
let plugins: ReturnType<typeof tempPlugins>;
let t: TestApp;

beforeAll(async () => {
  plugins = tempPlugins();
  plugins.samples('upper');
  plugins.put('endless-loop', 'endless-loop.wasm', fixture('wasm/endless-loop.wasm'));
  writeFileSync(
    join(plugins.root, 'endless-loop', 'plugin.json'),
    JSON.stringify({ limits: { timeoutMs: 300 } }),
  );
  plugins.put('null-deref', 'null-deref.so', fixture('native/null-deref.so'));
  t = await testApp(plugins.root, { TWINPLUG_TWINS: 'false' });
});

afterAll(async () => {
  await t.close();
  plugins.cleanup();
});

const post = (name: string, body: string) =>
  t.app.request(`/v1/plugins/${name}`, { method: 'POST', body });
const code = async (response: Response) =>
  ((await response.json()) as { error: { code: string } }).error.code;

describe('isolation faults over HTTP', () => {
  it('answers a call that runs past its timeout with 504 PLUGIN_TIMEOUT', async () => {
    const response = await post('endless-loop', 'x');
    expect([response.status, await code(response)]).toEqual([504, 'PLUGIN_TIMEOUT']);
    expect(await (await post('upper', 'still here')).text()).toBe('STILL HERE');
  });

  it('answers a native crash with 502 PLUGIN_CRASHED, and the process serves on', async () => {
    const response = await post('null-deref', 'x');
    expect([response.status, await code(response)]).toEqual([502, 'PLUGIN_CRASHED']);
    expect(await (await post('upper', 'alive')).text()).toBe('ALIVE');
  });
});
