import type { NamedObjects } from './object-references.js';
import type { ObjectVersion } from './object-versions.js';

/** How the fleet collects objects: see docs/fleet.md, "Collecting unnamed objects". */
export interface CollectionSettings {
  /** How often a node tries to take the fleet's turn to collect (jittered); 0: never. */
  readonly intervalMs: number;
  /** An unnamed object is kept until its last meta message is this old. */
  readonly graceMs: number;
  /** Unnamed objects kept per plugin and backend, the most recent first: the rollback archive. */
  readonly keep: number;
}

export interface Selection {
  readonly collect: readonly ObjectVersion[];
  /** Unnamed, but within the grace (an upload whose key write has not landed yet). */
  readonly young: number;
  /** Unnamed, kept as the rollback archive of a plugin that still has a key. */
  readonly archived: number;
}

/**
 * Which objects may go: named by no key, not among the `keep` most recent of a plugin (by
 * metadata) that still has a key, and untouched for `graceMs`. `now` and the versions' times
 * come from different clocks (this node's, the NATS server's): the grace must dwarf the skew.
 */
export function selectCollectable(
  versions: readonly ObjectVersion[],
  named: NamedObjects,
  settings: Pick<CollectionSettings, 'graceMs' | 'keep'>,
  now: number,
): Selection {
  const byBuild = new Map<string, ObjectVersion[]>();
  for (const version of versions) {
    if (named.names.has(version.name)) continue;
    const group = `${version.plugin ?? ''}\n${version.backend ?? ''}`;
    byBuild.set(group, [...(byBuild.get(group) ?? []), version]);
  }
  const collect: ObjectVersion[] = [];
  let young = 0;
  let archived = 0;
  for (const group of byBuild.values()) {
    group.sort((a, b) => b.time - a.time);
    const plugin = group[0]?.plugin;
    const kept = plugin !== undefined && named.plugins.has(plugin) ? settings.keep : 0;
    for (const [index, version] of group.entries()) {
      if (index < kept) archived += 1;
      else if (now - version.time < settings.graceMs) young += 1;
      else collect.push(version);
    }
  }
  return { collect, young, archived };
}
