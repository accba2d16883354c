import { PluginError } from '../errors.js';
import type { Backend } from '../plugin.js';
import type { PluginVersion } from './plugin-version.js';

/** Names a serving version for {@link PluginRegistry.callVersion}; every field given must match. */
export interface VersionTarget {
  /** The registry-unique id of a {@link VersionSnapshot}. */
  readonly id?: number;
  /** PluginInfo's semantic version, e.g. "1.2.0". */
  readonly version?: string;
  readonly backend?: Backend;
}

function matches(version: PluginVersion, target: VersionTarget): boolean {
  return (
    (target.id === undefined || version.id === target.id) &&
    (target.version === undefined || version.info?.version === target.version) &&
    (target.backend === undefined || version.backend === target.backend)
  );
}

/** The first of `versions` (active, then previous) that still serves and matches `target`. */
export function findServing(
  versions: readonly (PluginVersion | undefined)[],
  target: VersionTarget,
): PluginVersion | undefined {
  return versions.find(
    (version) =>
      version !== undefined &&
      version.state !== 'closed' &&
      version.state !== 'failed' &&
      matches(version, target),
  );
}

export function noServingVersion(name: string, target: VersionTarget): PluginError {
  const wanted = [
    target.version,
    target.backend === undefined ? undefined : `(${target.backend})`,
    target.id === undefined ? undefined : `#${target.id}`,
  ].filter((part) => part !== undefined);
  return new PluginError(
    'PLUGIN_NOT_FOUND',
    `plugin "${name}" has no loaded version ${wanted.join(' ')}`.trimEnd(),
    { details: { name, ...target } },
  );
}
