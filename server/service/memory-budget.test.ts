import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { fixture, tempPlugins } from '../test-support/plugins-folder.js';
import { admin, eventually, type TestApp, testApp } from '../test-support/test-app.js';

let plugins: ReturnType<typeof tempPlugins>;
let t: TestApp;

afterEach(async () => {
  await t?.close();
  plugins.cleanup();
});

/** The ballast fixture (20 MiB) as plugin `name` (7 characters: its PluginInfo is patched). */
function ballast(root: string, name: string): void {
  const bytes = Buffer.from(readFileSync(fixture('wasm/ballast.wasm')));
  Buffer.from(name, 'utf16le').copy(bytes, bytes.indexOf(Buffer.from('ballast', 'utf16le')));
  mkdirSync(join(root, name), { recursive: true });
  writeFileSync(join(root, name, `${name}.wasm`), bytes);
  writeFileSync(join(root, name, 'plugin.json'), JSON.stringify({ isolation: 'in-process' }));
}

describe('the server under a memory budget', () => {
  it('unloads the least recently used plugin, says so, and loads it again on its next call', async () => {
    plugins = tempPlugins();
    for (const name of ['bal0001', 'bal0002', 'bal0003']) ballast(plugins.root, name);
    t = await testApp(plugins.root, { TWINPLUG_MEMORY_BUDGET: '50MiB' });
    expect(t.config.memoryBudget).toBe(50 * 1024 * 1024);
    const call = async (name: string) =>
      (await t.app.request(`/v1/plugins/${name}`, { method: 'POST', body: name })).text();
    for (const name of ['bal0001', 'bal0002', 'bal0003']) expect(await call(name)).toBe(name);
    await eventually(() => t.service.memory()!.used <= 50 * 1024 * 1024);
    const metrics = await (await t.app.request('/metrics')).text();
    expect(metrics).toMatch(/twinplug_budget_unloads_total\{plugin="bal000\d"\} [1-9]/);
    expect(metrics).toMatch(
      /twinplug_plugin_memory_bytes\{plugin="bal000\d",version="1.0.0",backend="wasm"\} 20971520/,
    );
    const dashboard = (await (await t.app.request('/v1/dashboard', admin())).json()) as {
      memory: { budget: number; used: number };
      events: { type: string }[];
    };
    expect(dashboard.memory.budget).toBe(50 * 1024 * 1024);
    expect(dashboard.events.some((event) => event.type === 'unloaded')).toBe(true);
    for (const name of ['bal0001', 'bal0002', 'bal0003']) expect(await call(name)).toBe(name);
  }, 60_000);
});
