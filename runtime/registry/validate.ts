import semver from 'semver';
import { PluginError } from '../errors.js';
import type { Plugin } from '../plugin.js';
import { ABI_VERSION, isSemver } from '../plugin-info.js';
import type { PluginVersion } from './plugin-version.js';

/** What a candidate is checked against: the versions of its slot that still serve or may. */
export interface Peers {
  readonly active: PluginVersion | undefined;
  readonly previous: PluginVersion | undefined;
}

/**
 * Checks a loaded candidate before it may serve: the ABI and PluginInfo, its name, and its
 * version against the active one. A lower version is PLUGIN_VERSION_REFUSED and the same
 * version on the same backend with other bytes is PLUGIN_CONFLICT, unless `force`. The twins
 * of one release (same version, native and Wasm) are not in conflict: either may serve.
 */
export function checkCandidate(
  name: string,
  plugin: Plugin,
  sha256: string,
  peers: Peers,
  force: boolean,
): void {
  const { info } = plugin;
  if (info.abi !== ABI_VERSION) {
    throw new PluginError('PLUGIN_ABI_MISMATCH', `candidate speaks ABI ${String(info.abi)}`, {
      details: { abi: info.abi },
    });
  }
  if (info.name !== name) {
    throw new PluginError(
      'PLUGIN_NAME_MISMATCH',
      `candidate's PluginInfo names "${info.name}", it was registered as "${name}"`,
      { details: { expected: name, actual: info.name } },
    );
  }
  if (!isSemver(info.version)) {
    throw new PluginError('PLUGIN_INFO_INVALID', `version "${info.version}" is not semver`);
  }
  if (force) return;
  const active = peers.active?.info;
  if (active !== undefined && semver.lt(info.version, active.version)) {
    throw new PluginError(
      'PLUGIN_VERSION_REFUSED',
      `${name} ${info.version} is lower than the active ${active.version}; force the swap to downgrade`,
      { details: { candidate: info.version, active: active.version } },
    );
  }
  for (const peer of [peers.active, peers.previous]) {
    if (peer === undefined || peer.info === undefined) continue;
    const sameRelease = peer.info.version === info.version && peer.backend === plugin.backend;
    if (sameRelease && peer.source.sha256 !== sha256) {
      throw new PluginError(
        'PLUGIN_CONFLICT',
        `${name} ${info.version} (${plugin.backend}) is already registered with other bytes; bump the version or force the swap`,
        {
          details: {
            version: info.version,
            backend: plugin.backend,
            registered: peer.source.sha256,
            candidate: sha256,
          },
        },
      );
    }
  }
}
