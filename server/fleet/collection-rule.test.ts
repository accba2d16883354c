import { describe, expect, it } from 'vitest';
import { selectCollectable } from './collection-rule.js';
import type { ObjectVersion } from './object-versions.js';

const NOW = 10_000_000;
const MINUTE = 60_000;

function object(name: string, ageMs: number, plugin = 'p', backend = 'wasm'): ObjectVersion {
  const sha = name.repeat(64).slice(0, 64);
  return {
    name: sha,
    revision: 1,
    time: NOW - ageMs,
    size: 10,
    plugin,
    backend,
    deleted: false,
    nuid: 'n',
    subject: `$O.b.M.${sha}`,
    meta: {},
  };
}

const names = (selection: { collect: readonly ObjectVersion[] }) =>
  selection.collect.map((version) => version.name[0]).sort();

describe('which unnamed objects a collection deletes', () => {
  const settings = { graceMs: 10 * MINUTE, keep: 1 };

  it('keeps what a key names, the plugin archive and what is within the grace; deletes the rest', () => {
    const versions = [
      object('a', 60 * MINUTE), // named
      object('b', 50 * MINUTE), // the most recent unnamed of p/wasm: archived
      object('c', 55 * MINUTE),
      object('d', 5 * MINUTE, 'q'), // within the grace (q has no key: no archive)
      object('e', 70 * MINUTE, 'q'),
      object('f', 70 * MINUTE, 'p', 'native'), // p/native's archive
    ];
    const named = { names: new Set([versions[0]!.name]), plugins: new Set(['p']) };
    const selection = selectCollectable(versions, named, settings, NOW);
    expect(names(selection)).toEqual(['c', 'e']);
    expect(selection).toMatchObject({ young: 1, archived: 2 });
  });

  it('keeps no archive with keep 0 or for a plugin whose key is gone', () => {
    const versions = [object('a', 60 * MINUTE), object('b', 61 * MINUTE)];
    const gone = { names: new Set<string>(), plugins: new Set<string>() };
    expect(names(selectCollectable(versions, gone, settings, NOW))).toEqual(['a', 'b']);
    const kept = { names: new Set<string>(), plugins: new Set(['p']) };
    expect(names(selectCollectable(versions, kept, { ...settings, keep: 0 }, NOW))).toEqual([
      'a',
      'b',
    ]);
  });

  it('keeps an object the grace protects even when it is the oldest of its plugin', () => {
    const versions = [object('a', 9 * MINUTE), object('b', 1 * MINUTE)];
    const named = { names: new Set<string>(), plugins: new Set(['p']) };
    expect(selectCollectable(versions, named, settings, NOW)).toMatchObject({
      collect: [],
      young: 1,
      archived: 1,
    });
  });
});
