import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isPluginError } from '../errors.js';
import { createRegistry, type PluginRegistry } from './plugin-registry.js';
import { bytes, fakeArtifactDir, recordEvents, text } from './test-support/fake-artifacts.js';
import { createFakeLoader } from './test-support/fake-plugin.js';

let artifacts: ReturnType<typeof fakeArtifactDir>;
let fake: ReturnType<typeof createFakeLoader>;
let registry: PluginRegistry;

beforeEach(() => {
  artifacts = fakeArtifactDir();
  fake = createFakeLoader();
});

afterEach(async () => {
  for (const plugin of fake.plugins) plugin.releaseAll();
  await registry.close();
  artifacts.cleanup();
});

/** Resolves once `check` holds, polling on the event loop (a hang guard is the test timeout). */
async function until(check: () => boolean): Promise<void> {
  while (!check()) await new Promise((resolve) => setImmediate(resolve));
}

describe('leases', () => {
  it('lets a call started on the old version finish there, and closes it only afterwards', async () => {
    registry = createRegistry({ loadPlugin: fake.load, retentionMs: 0 });
    const v1 = artifacts.write('v1.json', { name: 'echo', version: '1.0.0', delayMs: -1 });
    await registry.register('echo', v1);
    const old = registry.call('echo', bytes('slow'));
    await until(() => fake.plugins[0]!.inFlight === 1);
    const events = recordEvents(registry);
    await registry.register('echo', artifacts.write('v2.json', { name: 'echo', version: '2.0.0' }));
    expect(text(await registry.call('echo', bytes('new')))).toBe('2.0.0:new');
    expect(registry.get('echo')?.versions.map((v) => [v.version, v.state, v.inFlight])).toEqual([
      ['1.0.0', 'draining', 1],
      ['2.0.0', 'active', 0],
    ]);
    expect(fake.plugins[0]!.closed).toBe(false);
    fake.plugins[0]!.releaseAll();
    expect(text(await old)).toBe('1.0.0:slow');
    await registry.events.next('closed');
    expect(events.map((event) => event.type)).toEqual([
      'loaded',
      'activated',
      'draining',
      'closed',
    ]);
    expect(events.at(-1)).toMatchObject({ reason: 'replaced', abandoned: 0 });
    expect(fake.plugins[0]!.disposed).toBe(true);
    expect(fake.plugins[0]!.callsAfterClose).toBe(0);
  });

  it('abandons calls still running at the drain timeout with PLUGIN_DRAIN_TIMEOUT', async () => {
    registry = createRegistry({ loadPlugin: fake.load, retentionMs: 0, drainTimeoutMs: 20 });
    await registry.register(
      'echo',
      artifacts.write('v1.json', { name: 'echo', version: '1.0.0', delayMs: -1 }),
    );
    const stuck = registry.call('echo', bytes('stuck')).catch((error: unknown) => error);
    await until(() => fake.plugins[0]!.inFlight === 1);
    const closed = registry.events.next('closed');
    await registry.register('echo', artifacts.write('v2.json', { name: 'echo', version: '2.0.0' }));
    const error = await stuck;
    expect(isPluginError(error, 'PLUGIN_DRAIN_TIMEOUT')).toBe(true);
    // The plugin's call is still running inside it: it is not unloaded under that call.
    expect(fake.plugins[0]!.disposed).toBe(false);
    expect(text(await registry.call('echo', bytes('next')))).toBe('2.0.0:next');
    fake.plugins[0]!.releaseAll();
    expect(await closed).toMatchObject({ reason: 'replaced', abandoned: 1 });
    expect(fake.plugins[0]!.disposed).toBe(true);
  });

  it('waits for ever with an infinite drain timeout', async () => {
    registry = createRegistry({ loadPlugin: fake.load, retentionMs: 0, drainTimeoutMs: Infinity });
    await registry.register(
      'echo',
      artifacts.write('v1.json', { name: 'echo', version: '1.0.0', delayMs: -1 }),
    );
    const slow = registry.call('echo', bytes('slow'));
    await until(() => fake.plugins[0]!.inFlight === 1);
    await registry.register('echo', artifacts.write('v2.json', { name: 'echo', version: '2.0.0' }));
    // Many event-loop turns later, the call still runs on its version.
    for (let turn = 0; turn < 50; turn += 1) await new Promise((r) => setTimeout(r, 1));
    expect(registry.get('echo')?.versions[0]).toMatchObject({ state: 'draining', inFlight: 1 });
    fake.plugins[0]!.releaseAll();
    expect(text(await slow)).toBe('1.0.0:slow');
  });

  it('keeps every output whole across 1,000 swaps of truly asynchronous plugins', async () => {
    registry = createRegistry({ loadPlugin: fake.load, retentionMs: 0, drainTimeoutMs: Infinity });
    const paths = [
      artifacts.write('v1.json', { name: 'echo', version: '1.0.0', delayMs: 1 }),
      artifacts.write('v2.json', { name: 'echo', version: '2.0.0', delayMs: 0 }),
    ];
    await registry.register('echo', paths[0]!);
    const events = recordEvents(registry);
    let swapping = true;
    const failures: unknown[] = [];
    const outputs = new Map<string, number>();
    const caller = async (id: number) => {
      for (let index = 0; swapping; index += 1) {
        const input = `c${id}-${index}`;
        try {
          const output = text(await registry.call('echo', bytes(input)));
          const prefix = output.slice(0, 6);
          if (output !== `${prefix}${input}`) failures.push(`torn output ${output}`);
          outputs.set(prefix, (outputs.get(prefix) ?? 0) + 1);
        } catch (error) {
          failures.push(error);
        }
      }
    };
    const callers = Array.from({ length: 16 }, (_, id) => caller(id));
    for (let swap = 1; swap <= 1000; swap += 1) {
      await registry.register('echo', { artifacts: paths[swap % 2]!, force: true });
    }
    swapping = false;
    await Promise.all(callers);
    await until(() => registry.get('echo')!.versions.length === 1);
    expect(failures).toEqual([]);
    expect(outputs.get('1.0.0:')).toBeGreaterThan(0);
    expect(outputs.get('2.0.0:')).toBeGreaterThan(0);
    expect(fake.plugins).toHaveLength(1001);
    // The swaps did overlap calls: many versions were replaced with leases still held.
    const busyDrains = events.filter((event) => event.type === 'draining' && event.inFlight > 0);
    expect(busyDrains.length).toBeGreaterThan(100);
    expect(fake.plugins.reduce((sum, plugin) => sum + plugin.callsAfterClose, 0)).toBe(0);
    expect(fake.plugins.slice(0, -1).every((plugin) => plugin.disposed)).toBe(true);
  });
});
