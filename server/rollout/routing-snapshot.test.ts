import { describe, expect, it } from 'vitest';
import { isPluginError, type ServedVersion } from '../../runtime/index.js';
import type { Traffic } from '../routing/traffic.js';
import type { WithdrawnBuild } from './control-store.js';
import { makeSnapshot, type RolloutFacts } from './rollout-policy.js';
import { chooseTarget } from './routing-snapshot.js';

const build = (id: number, version: string): ServedVersion => ({
  id,
  version,
  backend: 'wasm',
  isolation: 'in-process',
  sha256: String(id).repeat(64).slice(0, 64),
});
const v1 = build(1, '1.0.0');
const v2 = build(2, '2.0.0');
const none = () => undefined;

function facts(change: Partial<RolloutFacts> = {}): RolloutFacts {
  return {
    name: 'echo',
    revision: 1,
    active: v2,
    previous: v1,
    canary: undefined,
    traffic: {},
    withdrawn: new Map(),
    contentType: undefined,
    quarantined: undefined,
    ...change,
  };
}

const withdrawn = (version: ServedVersion): Map<string, WithdrawnBuild> =>
  new Map([[version.sha256, { ...version, reason: 'rolled back' } as WithdrawnBuild]]);

describe('chooseTarget', () => {
  it('sends plain requests to the active build by the same target object, pins where they ask', () => {
    const snapshot = makeSnapshot(facts());
    expect(chooseTarget(snapshot, { header: none })).toBe(snapshot.activeTarget);
    expect(chooseTarget(snapshot, { header: none })).toEqual({ id: 2 });
    expect(chooseTarget(snapshot, { version: '1.0.0', header: none })).toEqual({ id: 1 });
    // Not loaded here: left to the registry (404) or the twins.
    expect(chooseTarget(snapshot, { backend: 'native', header: none })).toEqual({
      backend: 'native',
    });
  });

  it('answers a pin of a withdrawn build with PLUGIN_VERSION_WITHDRAWN, loaded or not', () => {
    const loaded = makeSnapshot(facts({ active: v1, previous: v2, withdrawn: withdrawn(v2) }));
    const gone = makeSnapshot(facts({ active: v1, previous: undefined, withdrawn: withdrawn(v2) }));
    for (const snapshot of [loaded, gone]) {
      let error: unknown;
      try {
        chooseTarget(snapshot, { version: '2.0.0', header: none });
      } catch (caught) {
        error = caught;
      }
      expect(isPluginError(error, 'PLUGIN_VERSION_WITHDRAWN')).toBe(true);
    }
  });

  it('never lets rules or weights reach a withdrawn build', () => {
    const traffic: Traffic = {
      rules: [{ header: 'x-beta', value: 'yes', version: '2.0.0' }],
      weights: { '2.0.0': 100 },
    };
    const snapshot = makeSnapshot(
      facts({ active: v1, previous: v2, traffic, withdrawn: withdrawn(v2) }),
    );
    expect(snapshot.servable).toEqual(['1.0.0']);
    const beta = (key: string) => (key === 'x-beta' ? 'yes' : undefined);
    expect(chooseTarget(snapshot, { header: beta })).toEqual({ id: 1 });
    expect(chooseTarget(snapshot, { header: none })).toEqual({ id: 1 });
  });

  it('routes around a quarantined canary at once, before its rollback has run', () => {
    const snapshot = makeSnapshot(facts({ quarantined: v2.id }));
    expect(chooseTarget(snapshot, { header: none })).toEqual({ id: 1 });
    expect(snapshot.active).toBe(v1);
  });
});
