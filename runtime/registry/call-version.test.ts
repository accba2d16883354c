import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isPluginError } from '../errors.js';
import { createRegistry, type PluginRegistry } from './plugin-registry.js';
import { bytes, fakeArtifactDir, text } from './test-support/fake-artifacts.js';
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

async function until(check: () => boolean): Promise<void> {
  while (!check()) await new Promise((resolve) => setImmediate(resolve));
}

async function twoVersions(options: { drainTimeoutMs?: number } = {}): Promise<void> {
  registry = createRegistry({ loadPlugin: fake.load, ...options });
  await registry.register('echo', artifacts.write('v1.json', { name: 'echo', version: '1.0.0' }));
  await registry.register(
    'echo',
    artifacts.write('v2.json', { name: 'echo', version: '2.0.0', backend: 'native' }),
  );
}

describe('callVersion', () => {
  it('reaches the active version and the retained previous one by semantic version', async () => {
    await twoVersions();
    expect(text(await registry.callVersion('echo', bytes('a'), { version: '2.0.0' }))).toBe(
      '2.0.0:a',
    );
    expect(text(await registry.callVersion('echo', bytes('b'), { version: '1.0.0' }))).toBe(
      '1.0.0:b',
    );
    // The plain call still goes to the active version.
    expect(text(await registry.call('echo', bytes('c')))).toBe('2.0.0:c');
  });

  it('matches on backend and id, every field given', async () => {
    await twoVersions();
    const [v1, v2] = registry.get('echo')!.versions;
    expect(text(await registry.callVersion('echo', bytes('x'), { backend: 'wasm' }))).toBe(
      '1.0.0:x',
    );
    expect(text(await registry.callVersion('echo', bytes('x'), { id: v2!.id }))).toBe('2.0.0:x');
    const error = await registry
      .callVersion('echo', bytes('x'), { id: v1!.id, backend: 'native' })
      .catch((caught: unknown) => caught);
    expect(isPluginError(error, 'PLUGIN_NOT_FOUND')).toBe(true);
    expect(error).toMatchObject({ details: { name: 'echo', id: v1!.id, backend: 'native' } });
  });

  it('rejects an unknown plugin and a version that is not loaded with PLUGIN_NOT_FOUND', async () => {
    await twoVersions();
    for (const [name, target] of [
      ['nope', {}],
      ['echo', { version: '3.0.0' }],
    ] as const) {
      const error = await registry
        .callVersion(name, bytes('x'), target)
        .catch((caught: unknown) => caught);
      expect(isPluginError(error, 'PLUGIN_NOT_FOUND')).toBe(true);
    }
  });

  it('loads a lazy plugin before looking', async () => {
    registry = createRegistry({ loadPlugin: fake.load });
    const v1 = artifacts.write('v1.json', { name: 'echo', version: '1.0.0' });
    await registry.register('echo', { artifacts: v1, lazy: true });
    expect(text(await registry.callVersion('echo', bytes('x'), { version: '1.0.0' }))).toBe(
      '1.0.0:x',
    );
  });

  it('never abandons the callers of a retained previous version at the drain timeout', async () => {
    registry = createRegistry({ loadPlugin: fake.load, drainTimeoutMs: 10 });
    const held = artifacts.write('v1.json', { name: 'echo', version: '1.0.0', delayMs: -1 });
    await registry.register('echo', held);
    const slow = registry.call('echo', bytes('slow'));
    await until(() => fake.plugins[0]!.inFlight === 1);
    const standby = registry.events.next('standby');
    await registry.register('echo', artifacts.write('v2.json', { name: 'echo', version: '2.0.0' }));
    // Drain timed out with the call still held: the version is kept, the call is not abandoned.
    expect(await standby).toMatchObject({ version: { version: '1.0.0', inFlight: 1 } });
    const routed = registry.callVersion('echo', bytes('routed'), { version: '1.0.0' });
    fake.plugins[0]!.releaseAll();
    expect(text(await slow)).toBe('1.0.0:slow');
    expect(text(await routed)).toBe('1.0.0:routed');
  });
});

describe('callServed', () => {
  it('reports the version that really served, on success and on failure, and never rejects', async () => {
    await twoVersions();
    const [active, previous] = [registry.get('echo')!.active!, registry.get('echo')!.previous!];
    const plain = await registry.callServed('echo', bytes('a'), undefined);
    expect([text(plain.output!), plain.version?.id]).toEqual(['2.0.0:a', active.id]);
    const pinned = await registry.callServed('echo', bytes('b'), { version: '1.0.0' });
    expect([text(pinned.output!), pinned.version]).toEqual([
      '1.0.0:b',
      {
        id: previous.id,
        sha256: previous.sha256,
        version: '1.0.0',
        backend: previous.backend,
        isolation: previous.isolation,
      },
    ]);
    // One identity object per version: nothing is allocated for it per call.
    expect((await registry.callServed('echo', bytes('c'), { id: active.id })).version).toBe(
      plain.version,
    );
    const missing = await registry.callServed('echo', bytes('d'), { version: '9.0.0' });
    expect(missing.version).toBeUndefined();
    expect(isPluginError(missing.error, 'PLUGIN_NOT_FOUND')).toBe(true);
    const unknown = await registry.callServed('nope', bytes('e'), undefined);
    expect(isPluginError(unknown.error, 'PLUGIN_NOT_FOUND')).toBe(true);
    await registry.remove('echo');
  });
});
