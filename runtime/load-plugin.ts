import { openWasmPlugin } from './backends/wasm/index.js';
import { toPluginError } from './errors.js';
import { readFileVersion } from './file-version.js';
import { type LoadedArtifact, loadArtifact } from './loaded-artifact.js';
import { ManagedPlugin, type PluginCore } from './managed-plugin.js';
import { type LoadPluginOptions, type ResolvedLoadOptions, resolveLoadOptions } from './options.js';
import type { Plugin } from './plugin.js';

async function openCore(
  artifact: LoadedArtifact,
  options: ResolvedLoadOptions,
): Promise<PluginCore> {
  try {
    if (artifact.header.backend === 'wasm') return await openWasmPlugin(artifact, options);
    // koffi is loaded only when a native plugin is, so Wasm-only hosts never need its binary.
    const { openNativePlugin } = await import('./backends/native/index.js');
    return openNativePlugin(artifact, options);
  } catch (error) {
    throw toPluginError(error, 'PLUGIN_LOAD_FAILED', `cannot load ${artifact.fileName}`);
  }
}

/**
 * Loads a plugin from a .wasm module or a native library (.dll, .so, .dylib), chosen by the
 * file's magic bytes, calls its Initialize with `config`, and returns it behind the one
 * {@link Plugin} contract. Fails with a PluginError; nothing is left loaded on failure.
 *
 * @example
 * const plugin = await loadPlugin({ path: 'build/plugins/redact/redact.so', config: { words: ['secret'] } });
 * const out = await plugin.processData(new TextEncoder().encode('my secret'));
 * await plugin.close();
 */
export async function loadPlugin(pathOrOptions: string | LoadPluginOptions): Promise<Plugin> {
  const options = resolveLoadOptions(pathOrOptions);
  const artifact = await loadArtifact(options);
  const core = await openCore(artifact, options);
  try {
    await core.initialize(options.config);
  } catch (error) {
    await core.dispose();
    throw toPluginError(error, 'PLUGIN_INIT_FAILED', 'Initialize failed');
  }
  return new ManagedPlugin(core, artifact.identity);
}

/** What `twinplug inspect` prints about an artifact. */
export interface ArtifactReport {
  path: string | undefined;
  backend: Plugin['backend'];
  format: Plugin['artifact']['format'];
  arch: string | undefined;
  abi: number;
  info: Plugin['info'];
  exports: readonly string[];
  sha256: string;
  size: number;
  /** VERSIONINFO FileVersion of a PE DLL read on Windows ("1.2.3.4"); undefined otherwise. */
  fileVersion: string | undefined;
}

/**
 * Loads an artifact far enough to report on it (header, PluginInfo, exports, hash) without
 * calling Initialize, then unloads it.
 */
export async function inspectArtifact(
  pathOrOptions: string | LoadPluginOptions,
): Promise<ArtifactReport> {
  const options = resolveLoadOptions(pathOrOptions);
  const artifact = await loadArtifact(options);
  const core = await openCore(artifact, options);
  try {
    return {
      path: artifact.identity.path,
      backend: core.backend,
      format: artifact.header.format,
      arch: artifact.header.arch,
      abi: core.info.abi,
      info: core.info,
      exports: core.exports,
      sha256: artifact.identity.sha256,
      size: artifact.identity.size,
      fileVersion:
        artifact.header.format === 'pe' && artifact.identity.path !== undefined
          ? await readFileVersion(artifact.identity.path)
          : undefined,
    };
  } finally {
    await core.dispose();
  }
}
