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
  registry = createRegistry({ loadPlugin: fake.load });
});

afterEach(async () => {
  await registry.close();
  artifacts.cleanup();
});

describe('fallback between twins', () => {
  it('serves from the twin when the preferred artifact fails, and says so', async () => {
    const events = recordEvents(registry);
    const native = artifacts.write('echo.so', {
      name: 'echo',
      version: '1.0.0',
      backend: 'native',
      failWith: 'PLUGIN_INIT_FAILED',
    });
    const wasm = artifacts.write('echo.wasm', { name: 'echo', version: '1.0.0', backend: 'wasm' });
    const result = await registry.register('echo', { artifacts: [native, wasm] });
    expect(result).toMatchObject({ outcome: 'activated', fallback: true });
    expect(result.version).toMatchObject({ backend: 'wasm', path: wasm });
    expect(text(await registry.call('echo', bytes('x')))).toBe('1.0.0:x');
    expect(events.map((event) => event.type)).toEqual([
      'failed',
      'loaded',
      'activated',
      'fallback',
    ]);
    expect(events[0]).toMatchObject({
      stage: 'load',
      path: native,
      error: { code: 'PLUGIN_INIT_FAILED' },
    });
    expect(events[3]).toMatchObject({ preferred: native, reason: { code: 'PLUGIN_INIT_FAILED' } });
  });

  it('prefers the first artifact when it works, without loading the twin', async () => {
    const native = artifacts.write('echo.so', {
      name: 'echo',
      version: '1.0.0',
      backend: 'native',
    });
    const wasm = artifacts.write('echo.wasm', { name: 'echo', version: '1.0.0', backend: 'wasm' });
    const result = await registry.register('echo', { artifacts: [native, wasm] });
    expect(result).toMatchObject({ fallback: false, version: { backend: 'native' } });
    expect(fake.plugins).toHaveLength(1);
  });

  it('skips a library for another platform with one event, not one per re-read', async () => {
    const events = recordEvents(registry);
    const foreign = artifacts.write('echo.dll', {
      name: 'echo',
      version: '1.0.0',
      failWith: 'PLUGIN_PLATFORM_MISMATCH',
    });
    const wasm = artifacts.write('echo.wasm', { name: 'echo', version: '1.0.0' });
    await registry.register('echo', { artifacts: [foreign, wasm] });
    for (let reread = 0; reread < 5; reread += 1) {
      expect((await registry.register('echo', { artifacts: [foreign, wasm] })).outcome).toBe(
        'unchanged',
      );
    }
    const skipped = events.filter((event) => event.type === 'skipped');
    expect(skipped).toHaveLength(1);
    expect(skipped[0]).toMatchObject({
      path: foreign,
      error: { code: 'PLUGIN_PLATFORM_MISMATCH' },
    });
    expect(events.filter((event) => event.type === 'failed')).toHaveLength(0);
  });

  it("keeps the active version when every artifact fails, rejecting with the preferred one's error", async () => {
    await registry.register('echo', artifacts.write('v1.json', { name: 'echo', version: '1.0.0' }));
    const events = recordEvents(registry);
    const broken = [
      artifacts.write('a.so', { name: 'echo', version: '2.0.0', failWith: 'PLUGIN_ABI_MISMATCH' }),
      artifacts.write('a.wasm', { name: 'echo', version: '2.0.0', failWith: 'PLUGIN_TRAPPED' }),
    ];
    await expect(registry.register('echo', { artifacts: broken })).rejects.toMatchObject({
      code: 'PLUGIN_ABI_MISMATCH',
    });
    expect(events.map((event) => event.type)).toEqual(['failed', 'failed']);
    expect(text(await registry.call('echo', bytes('x')))).toBe('1.0.0:x');
  });
});
