import { afterEach, beforeEach, describe, expect, it } from 'vitest';
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
  await registry.close();
  artifacts.cleanup();
});

describe('lazy plugins', () => {
  it('load on the first call, once, however many calls arrive together', async () => {
    registry = createRegistry({ loadPlugin: fake.load });
    const path = artifacts.write('v1.json', { name: 'echo', version: '1.0.0' });
    const result = await registry.register('echo', { artifacts: path, lazy: true });
    expect(result).toEqual({ outcome: 'deferred', version: undefined, fallback: false });
    expect(fake.plugins).toHaveLength(0);
    expect(registry.get('echo')).toMatchObject({ lazy: true, active: undefined });
    const outputs = await Promise.all(
      ['a', 'b', 'c'].map(async (input) => text(await registry.call('echo', bytes(input)))),
    );
    expect(outputs).toEqual(['1.0.0:a', '1.0.0:b', '1.0.0:c']);
    expect(fake.plugins).toHaveLength(1);
    expect(registry.get('echo')).toMatchObject({ lazy: false, active: { version: '1.0.0' } });
  });

  it('report a broken artifact to the first caller, once, and stay registered', async () => {
    registry = createRegistry({ loadPlugin: fake.load });
    const events = recordEvents(registry);
    const path = artifacts.write('bad.json', {
      name: 'echo',
      version: '1.0.0',
      failWith: 'PLUGIN_INIT_FAILED',
    });
    await registry.register('echo', { artifacts: path, lazy: true });
    for (let attempt = 0; attempt < 3; attempt += 1) {
      await expect(registry.call('echo', bytes('x'))).rejects.toMatchObject({
        code: 'PLUGIN_INIT_FAILED',
      });
    }
    expect(events.filter((event) => event.type === 'failed')).toHaveLength(1);
    expect(registry.get('echo')?.lazy).toBe(true);
  });
});

describe('idle unloading', () => {
  it('unloads an idle version and loads it again, transparently, on the next call', async () => {
    registry = createRegistry({ loadPlugin: fake.load, idleUnloadMs: 30 });
    await registry.register('echo', artifacts.write('v1.json', { name: 'echo', version: '1.0.0' }));
    const unloaded = registry.events.next('unloaded');
    expect(text(await registry.call('echo', bytes('a')))).toBe('1.0.0:a');
    expect((await unloaded).version).toMatchObject({ state: 'active', resident: false });
    expect(fake.plugins[0]!.disposed).toBe(true);
    const resumed = registry.events.next('resumed');
    expect(text(await registry.call('echo', bytes('b')))).toBe('1.0.0:b');
    expect((await resumed).version).toMatchObject({ resident: true, version: '1.0.0' });
    expect(fake.plugins).toHaveLength(2);
    expect(fake.plugins[1]!.artifact.sha256).toBe(fake.plugins[0]!.artifact.sha256);
    // It goes idle again: the cycle repeats.
    await registry.events.next('unloaded');
    expect(fake.plugins[1]!.disposed).toBe(true);
  });

  it('never unloads a version while a call holds a lease on it', async () => {
    registry = createRegistry({ loadPlugin: fake.load, idleUnloadMs: 10 });
    const events = recordEvents(registry);
    const path = artifacts.write('v1.json', { name: 'echo', version: '1.0.0', delayMs: 80 });
    await registry.register('echo', path);
    expect(text(await registry.call('echo', bytes('slow')))).toBe('1.0.0:slow');
    // Idle time counts from the end of the last call, not its start.
    const unloaded = events.find((event) => event.type === 'unloaded');
    expect(unloaded).toBeUndefined();
    await registry.events.next('unloaded');
  });

  it('takes a per-plugin idle time from the source', async () => {
    registry = createRegistry({ loadPlugin: fake.load });
    const path = artifacts.write('v1.json', { name: 'echo', version: '1.0.0' });
    await registry.register('echo', { artifacts: path, idleUnloadMs: 20 });
    await registry.events.next('unloaded');
    expect(registry.get('echo')?.active?.resident).toBe(false);
  });
});
