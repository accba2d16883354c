import { describe, expect, it } from 'vitest';
import type { SlotSnapshot, VersionSnapshot } from '../../runtime/index.js';
import { PluginRoute } from './plugin-route.js';

const version = (id: number, semver: string, state: VersionSnapshot['state']): VersionSnapshot => ({
  id,
  name: 'echo',
  path: `/plugins/echo/echo.wasm`,
  sha256: String(id).repeat(64).slice(0, 64),
  version: semver,
  backend: 'wasm',
  isolation: 'worker',
  fileVersion: undefined,
  state,
  inFlight: 0,
  resident: true,
});

const slot = (active: VersionSnapshot, previous: VersionSnapshot): SlotSnapshot => ({
  name: 'echo',
  active,
  previous,
  versions: [previous, active],
  lazy: false,
});

const none = () => undefined;

describe('PluginRoute', () => {
  it('sends plain requests to the active version, pinned ones where they ask', () => {
    const route = new PluginRoute('echo');
    route.refresh(slot(version(2, '2.0.0', 'active'), version(1, '1.0.0', 'standby')));
    expect(route.resolve(route.choose({ header: none }))?.id).toBe(2);
    expect(route.choose({ version: '1.0.0', header: none })).toEqual({ version: '1.0.0' });
    expect(route.resolve({ version: '1.0.0' })?.id).toBe(1);
    expect(route.resolve({ backend: 'native' })).toBeUndefined();
  });

  it('keeps plain requests off a build rolled back before, once the previous one can serve', () => {
    const route = new PluginRoute('echo');
    const bad = version(3, '3.0.0', 'active');
    route.rejected.add(bad.sha256);
    route.refresh(slot(bad, version(1, '1.0.0', 'draining')));
    expect(route.serving()?.id).toBe(1);
    expect(route.resolve(route.choose({ header: none }))?.id).toBe(1);
    // Pinning still reaches it: the client asked for that version.
    expect(route.resolve(route.choose({ version: '3.0.0', header: none }))?.id).toBe(3);
  });

  it('serves the active version when the previous one is rejected too', () => {
    const route = new PluginRoute('echo');
    const active = version(3, '3.0.0', 'active');
    const previous = version(2, '2.0.0', 'standby');
    route.rejected = new Set([active.sha256, previous.sha256]);
    route.refresh(slot(active, previous));
    expect(route.serving()?.id).toBe(3);
  });

  it('splits by the progressive canary weight against the previous version', () => {
    const route = new PluginRoute('echo');
    route.refresh(slot(version(2, '2.0.0', 'active'), version(1, '1.0.0', 'standby')));
    route.canary = { id: 2, version: '2.0.0', weight: 30 } as PluginRoute['canary'];
    expect(route.weights()).toEqual({ '2.0.0': 30, '1.0.0': 70 });
    route.traffic = { weights: { '1.0.0': 1 } };
    expect(route.weights()).toEqual({ '1.0.0': 1 });
  });
});
