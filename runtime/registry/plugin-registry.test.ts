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
  registry = createRegistry({ loadPlugin: fake.load });
});

afterEach(async () => {
  await registry.close();
  artifacts.cleanup();
});

async function codeOf(promise: Promise<unknown>): Promise<string | undefined> {
  try {
    await promise;
    return undefined;
  } catch (error) {
    if (!isPluginError(error)) throw error;
    return error.code;
  }
}

describe('register', () => {
  it('loads a plugin and routes calls to it', async () => {
    const path = artifacts.write('echo.json', { name: 'echo', version: '1.0.0' });
    const result = await registry.register('echo', path);
    expect(result.outcome).toBe('activated');
    expect(result.version).toMatchObject({ name: 'echo', version: '1.0.0', state: 'active', path });
    expect(text(await registry.call('echo', bytes('hi')))).toBe('1.0.0:hi');
    expect(registry.get('echo')?.active?.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('says which version served a call', async () => {
    await registry.register('echo', artifacts.write('v1.json', { name: 'echo', version: '1.0.0' }));
    const first = await registry.callWithVersion('echo', bytes('a'));
    await registry.register('echo', artifacts.write('v2.json', { name: 'echo', version: '2.0.0' }));
    const second = await registry.callWithVersion('echo', bytes('b'));
    expect([text(first.output), first.version.version]).toEqual(['1.0.0:a', '1.0.0']);
    expect([text(second.output), second.version.version]).toEqual(['2.0.0:b', '2.0.0']);
    expect(second.version.id).not.toBe(first.version.id);
    expect(await codeOf(registry.callWithVersion('nope', bytes('x')))).toBe('PLUGIN_NOT_FOUND');
  });

  it('does not reload an identical artifact', async () => {
    const path = artifacts.write('echo.json', { name: 'echo', version: '1.0.0' });
    await registry.register('echo', path);
    const again = await registry.register('echo', path);
    expect(again.outcome).toBe('unchanged');
    expect(fake.plugins).toHaveLength(1);
  });

  it('refuses the same version with other bytes (PLUGIN_CONFLICT), unless forced', async () => {
    const events = recordEvents(registry);
    await registry.register('echo', artifacts.write('a.json', { name: 'echo', version: '1.0.0' }));
    const other = artifacts.write('b.json', { name: 'echo', version: '1.0.0', delayMs: 1 });
    expect(await codeOf(registry.register('echo', other))).toBe('PLUGIN_CONFLICT');
    expect(events.filter((event) => event.type === 'failed')).toHaveLength(1);
    expect(registry.get('echo')?.active?.path).toMatch(/a\.json$/);
    expect((await registry.register('echo', { artifacts: other, force: true })).outcome).toBe(
      'activated',
    );
  });

  it('refuses a lower version (PLUGIN_VERSION_REFUSED), unless forced', async () => {
    await registry.register('echo', artifacts.write('v2.json', { name: 'echo', version: '2.0.0' }));
    const v1 = artifacts.write('v1.json', { name: 'echo', version: '1.0.0' });
    expect(await codeOf(registry.register('echo', v1))).toBe('PLUGIN_VERSION_REFUSED');
    expect(text(await registry.call('echo', bytes('x')))).toBe('2.0.0:x');
    await registry.register('echo', { artifacts: v1, force: true });
    expect(text(await registry.call('echo', bytes('x')))).toBe('1.0.0:x');
  });

  it('refuses a candidate whose PluginInfo names another plugin', async () => {
    const path = artifacts.write('other.json', { name: 'other', version: '1.0.0' });
    expect(await codeOf(registry.register('echo', path))).toBe('PLUGIN_NAME_MISMATCH');
    expect(registry.has('echo')).toBe(false);
  });

  it('reports an Initialize failure as PLUGIN_INIT_FAILED and leaves other plugins alone', async () => {
    await registry.register(
      'good',
      artifacts.write('good.json', { name: 'good', version: '1.0.0' }),
    );
    const bad = artifacts.write('bad.json', {
      name: 'bad',
      version: '1.0.0',
      failWith: 'PLUGIN_INIT_FAILED',
    });
    expect(await codeOf(registry.register('bad', bad))).toBe('PLUGIN_INIT_FAILED');
    expect(registry.has('bad')).toBe(false);
    expect(await codeOf(registry.call('bad', bytes('x')))).toBe('PLUGIN_NOT_FOUND');
    expect(text(await registry.call('good', bytes('x')))).toBe('1.0.0:x');
  });

  it('rejects invalid names and sources with PLUGIN_INVALID_OPTIONS', async () => {
    expect(await codeOf(registry.register('../up', 'x.json'))).toBe('PLUGIN_INVALID_OPTIONS');
    expect(await codeOf(registry.register('up', { artifacts: [] }))).toBe('PLUGIN_INVALID_OPTIONS');
    expect(await codeOf(registry.register('up', { artifacts: 'x', maxOutputBytes: -1 }))).toBe(
      'PLUGIN_INVALID_OPTIONS',
    );
  });

  it('reports a missing artifact as a failed read and keeps nothing', async () => {
    const events = recordEvents(registry);
    expect(await codeOf(registry.register('echo', `${artifacts.dir}/missing.json`))).toBe(
      'PLUGIN_LOAD_FAILED',
    );
    expect(events).toMatchObject([{ type: 'failed', stage: 'read', name: 'echo' }]);
  });

  it('refuses an artifact whose sha256 differs from the pinned one', async () => {
    const path = artifacts.write('echo.json', { name: 'echo', version: '1.0.0' });
    const source = { artifacts: [{ path, sha256: '0'.repeat(64) }] };
    expect(await codeOf(registry.register('echo', source))).toBe('PLUGIN_HASH_MISMATCH');
  });
});

describe('swap events', () => {
  it('reports loaded, activated, draining, standby for a swap, and closed on close', async () => {
    await registry.register('echo', artifacts.write('v1.json', { name: 'echo', version: '1.0.0' }));
    const events = recordEvents(registry);
    const standby = registry.events.next('standby');
    await registry.register('echo', artifacts.write('v2.json', { name: 'echo', version: '2.0.0' }));
    await standby;
    expect(events.map((event) => event.type)).toEqual([
      'loaded',
      'activated',
      'draining',
      'standby',
    ]);
    const activated = events[1]!;
    expect(activated).toMatchObject({
      type: 'activated',
      version: { version: '2.0.0' },
      previous: { version: '1.0.0' },
    });
    await registry.close();
    expect(events.filter((event) => event.type === 'closed').map((event) => event.type)).toEqual([
      'closed',
      'closed',
    ]);
    expect(fake.plugins.every((plugin) => plugin.disposed)).toBe(true);
  });

  it('closes a replaced version once drained when nothing is retained', async () => {
    await registry.close();
    registry = createRegistry({ loadPlugin: fake.load, retentionMs: 0 });
    await registry.register('echo', artifacts.write('v1.json', { name: 'echo', version: '1.0.0' }));
    const closed = registry.events.next('closed');
    await registry.register('echo', artifacts.write('v2.json', { name: 'echo', version: '2.0.0' }));
    expect(await closed).toMatchObject({ reason: 'replaced', version: { version: '1.0.0' } });
    expect(fake.plugins[0]!.disposed).toBe(true);
    expect(await codeOf(registry.rollback('echo'))).toBe('PLUGIN_ROLLBACK_UNAVAILABLE');
  });
});

describe('remove and close', () => {
  it('removes a plugin: its calls fail with PLUGIN_NOT_FOUND and its versions close', async () => {
    await registry.register('echo', artifacts.write('v1.json', { name: 'echo', version: '1.0.0' }));
    const events = recordEvents(registry);
    await registry.remove('echo');
    expect(await codeOf(registry.call('echo', bytes('x')))).toBe('PLUGIN_NOT_FOUND');
    expect(events.map((event) => event.type)).toEqual(['draining', 'closed', 'removed']);
    expect(fake.plugins[0]!.disposed).toBe(true);
    expect(await codeOf(registry.remove('echo'))).toBe('PLUGIN_NOT_FOUND');
  });

  it('refuses registrations once closed', async () => {
    await registry.close();
    const path = artifacts.write('v1.json', { name: 'echo', version: '1.0.0' });
    expect(await codeOf(registry.register('echo', path))).toBe('PLUGIN_CLOSED');
  });
});
