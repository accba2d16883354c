import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixture, tempPlugins } from '../test-support/plugins-folder.js';
import { type TestApp, testApp } from '../test-support/test-app.js';

// A Wasm plugin dropped into the folder with no plugin.json runs metered in-process: a hang
// is stopped at the default timeout (10 s) with 504, with no worker thread, and the same
// plugin and its neighbours answer the next requests.
let plugins: ReturnType<typeof tempPlugins>;
let t: TestApp;

beforeAll(async () => {
  plugins = tempPlugins();
  plugins.samples('upper');
  plugins.put('spin-on-demand', 'spin-on-demand.wasm', fixture('wasm/spin-on-demand.wasm'));
  t = await testApp(plugins.root, { TWINPLUG_TWINS: 'false' });
});

afterAll(async () => {
  await t.close();
  plugins.cleanup();
});

const post = (name: string, body: string) =>
  t.app.request(`/v1/plugins/${name}`, { method: 'POST', body });

describe('a hanging Wasm plugin in the default mode', () => {
  it('answers 504 PLUGIN_TIMEOUT at the default timeout, in-process, and serves on', {
    timeout: 60_000,
  }, async () => {
    // In-process: the call runs on this thread, no worker or child process is started for it.
    expect(
      t.service.describe('spin-on-demand')?.versions.map((version) => version.isolation),
    ).toEqual(['in-process']);
    const response = await post('spin-on-demand', '!hang');
    const body = (await response.json()) as { error: { code: string } };
    expect([response.status, body.error.code]).toEqual([504, 'PLUGIN_TIMEOUT']);
    expect(await (await post('spin-on-demand', 'answers again')).text()).toBe('answers again');
    expect(await (await post('upper', 'still here')).text()).toBe('STILL HERE');
  });
});
