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
  await registry.close();
  artifacts.cleanup();
});

async function twoVersions(options: { retentionMs?: number } = {}): Promise<void> {
  registry = createRegistry({ loadPlugin: fake.load, ...options });
  await registry.register('echo', artifacts.write('v1.json', { name: 'echo', version: '1.0.0' }));
  const settled = registry.events.next('standby');
  await registry.register('echo', artifacts.write('v2.json', { name: 'echo', version: '2.0.0' }));
  if (options.retentionMs !== 0) await settled;
}

describe('rollback', () => {
  it('brings the previous version back at once, without loading anything', async () => {
    await twoVersions();
    const events = recordEvents(registry);
    const { from, to } = await registry.rollback('echo');
    expect([from.version, to.version]).toEqual(['2.0.0', '1.0.0']);
    expect(fake.plugins).toHaveLength(2);
    expect(text(await registry.call('echo', bytes('x')))).toBe('1.0.0:x');
    expect(events.map((event) => event.type)).toEqual(['rolled-back', 'draining', 'standby']);
    // The version rolled back from is retained in turn: rolling back again undoes the rollback.
    await registry.rollback('echo');
    expect(text(await registry.call('echo', bytes('x')))).toBe('2.0.0:x');
  });

  it('is unavailable once the retention time has passed, and the old version is closed', async () => {
    registry = createRegistry({ loadPlugin: fake.load, retentionMs: 30 });
    await registry.register('echo', artifacts.write('v1.json', { name: 'echo', version: '1.0.0' }));
    const closed = registry.events.next('closed');
    await registry.register('echo', artifacts.write('v2.json', { name: 'echo', version: '2.0.0' }));
    expect(await closed).toMatchObject({
      reason: 'retention-expired',
      version: { version: '1.0.0' },
    });
    expect(fake.plugins[0]!.disposed).toBe(true);
    const error = await registry.rollback('echo').catch((caught: unknown) => caught);
    expect(isPluginError(error, 'PLUGIN_ROLLBACK_UNAVAILABLE')).toBe(true);
  });

  it('keeps only the latest previous version: a third version closes the first', async () => {
    await twoVersions();
    const closed = registry.events.next('closed');
    await registry.register('echo', artifacts.write('v3.json', { name: 'echo', version: '3.0.0' }));
    expect(await closed).toMatchObject({ reason: 'replaced', version: { version: '1.0.0' } });
    expect(registry.get('echo')?.previous?.version).toBe('2.0.0');
    expect(registry.get('echo')?.versions.map((version) => version.version)).toEqual([
      '2.0.0',
      '3.0.0',
    ]);
  });

  it('fails for an unknown plugin and for a plugin with a single version', async () => {
    registry = createRegistry({ loadPlugin: fake.load });
    await registry.register('echo', artifacts.write('v1.json', { name: 'echo', version: '1.0.0' }));
    const none = await registry.rollback('nope').catch((caught: unknown) => caught);
    expect(isPluginError(none, 'PLUGIN_NOT_FOUND')).toBe(true);
    const single = await registry.rollback('echo').catch((caught: unknown) => caught);
    expect(isPluginError(single, 'PLUGIN_ROLLBACK_UNAVAILABLE')).toBe(true);
  });

  it('lets a lower version back in after a rollback to it (refusals are measured against the active one)', async () => {
    await twoVersions();
    await registry.rollback('echo');
    const v15 = artifacts.write('v15.json', { name: 'echo', version: '1.5.0' });
    expect((await registry.register('echo', v15)).outcome).toBe('activated');
  });
});
