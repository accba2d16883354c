import semver from 'semver';
import { PluginError } from '../errors.js';
import type { Plugin } from '../plugin.js';
import { ABI_VERSION, isSemver } from '../plugin-info.js';
import type { PluginVersion } from './plugin-version.js';

/** What a candidate is checked against: the versions of its slot that serve or may again. */
export interface Peers {
  readonly active: PluginVersion | undefined;
  readonly previous: PluginVersion | undefined;
}

/** The ABI, the name it was registered under, a semantic version. */
function checkInfo(name: string, info: Plugin['info']): void {
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
}

/** Not lower than the active version; not a registered version and backend with other bytes. */
function checkOrder(name: string, plugin: Plugin, sha256: string, peers: Peers): void {
  const { version } = plugin.info;
  const active = peers.active?.info;
  if (active !== undefined && semver.lt(version, active.version)) {
    throw new PluginError(
      'PLUGIN_VERSION_REFUSED',
      `${name} ${version} is lower than the active ${active.version}; force the swap to downgrade`,
      { details: { candidate: version, active: active.version } },
    );
  }
  for (const peer of [peers.active, peers.previous]) {
    if (peer?.info?.version !== version || peer.backend !== plugin.backend) continue;
    if (peer.source.sha256 === sha256) continue;
    throw new PluginError(
      'PLUGIN_CONFLICT',
      `${name} ${version} (${plugin.backend}) is already registered with other bytes; bump the version or force the swap`,
      {
        details: {
          version,
          backend: plugin.backend,
          registered: peer.source.sha256,
          candidate: sha256,
        },
      },
    );
  }
}

/**
 * Checks a loaded candidate before it may serve: ABI, name and version format always; its
 * version against the active one unless `force`. A lower version is PLUGIN_VERSION_REFUSED, the
 * same version on the same backend with other bytes PLUGIN_CONFLICT. The twins of one release
 * (same version, native and Wasm) are not in conflict: either may serve.
 */
export function checkCandidate(
  name: string,
  plugin: Plugin,
  sha256: string,
  peers: Peers,
  force: boolean,
): void {
  checkInfo(name, plugin.info);
  if (!force) checkOrder(name, plugin, sha256, peers);
}
