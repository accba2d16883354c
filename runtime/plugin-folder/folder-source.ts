import { basename } from 'node:path';
import { FOLDER_ISOLATION, type IsolationChoice, type PluginConfig } from '../options.js';
import type { Backend } from '../plugin.js';
import type { PluginSource } from '../registry/index.js';
import { orderArtifacts, type PluginFolderContents } from './folder-scan.js';
import type { PluginManifest } from './manifest.js';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/**
 * Wasm metered in-process, native in a child process (FOLDER_ISOLATION), unless plugin.json
 * asks for another mode. An adapted legacy library
 * (an `adapter`) writes into a buffer whose size it is never told: its native twin runs in a
 * child process unless plugin.json names `in-process` for it, even when the isolation given
 * names the Wasm twin's only.
 */
function folderIsolation(manifest: PluginManifest | undefined): IsolationChoice {
  const isolation = manifest?.isolation ?? FOLDER_ISOLATION;
  if (manifest?.adapter === undefined || typeof isolation === 'string') return isolation;
  return isolation.native === undefined ? { ...isolation, native: 'process' } : isolation;
}

/** What the registry is asked to load for a plugin folder: its twins in order, and its manifest's settings. */
export function folderSource(
  contents: PluginFolderContents,
  manifest: PluginManifest | undefined,
  defaultPreference: Backend,
): PluginSource {
  const pinned = manifest?.sha256 ?? {};
  const source: Mutable<PluginSource> = {
    artifacts: orderArtifacts(contents, manifest?.prefer ?? defaultPreference).map((path) => {
      const sha256 = pinned[basename(path)];
      return sha256 === undefined ? { path } : { path, sha256 };
    }),
  };
  if (contents.cases !== undefined) source.cases = contents.cases;
  // A plugin dropped into the folder can never hang or crash the service.
  source.isolation = folderIsolation(manifest);
  if (manifest === undefined) return source;
  if (manifest.config !== undefined) source.config = manifest.config as PluginConfig;
  Object.assign(source, manifest.limits);
  if (manifest.idleUnloadMs !== undefined) source.idleUnloadMs = manifest.idleUnloadMs;
  if (manifest.env !== undefined) source.env = manifest.env;
  source.lazy = manifest.lazy;
  source.keepLoaded = manifest.keepLoaded;
  source.force = manifest.force;
  if (manifest.capabilities !== undefined) source.capabilities = manifest.capabilities;
  if (manifest.adapter !== undefined) source.adapter = manifest.adapter;
  return source;
}
