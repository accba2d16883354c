import { toPluginError } from './errors.js';
import { readFileVersion } from './file-version.js';
import { type LogEntry, PluginHost } from './host/plugin-host.js';
import { openInProcessCore } from './in-process-core.js';
import { type LoadedArtifact, loadArtifact } from './loaded-artifact.js';
import { type GuardOptions, ManagedPlugin, type PluginCore } from './managed-plugin.js';
import {
  type Isolation,
  keysIn,
  type LoadPluginOptions,
  pickResolved,
  type ResolvedLoadOptions,
  resolveIsolation,
  resolveLoadOptions,
} from './options.js';
import type { Plugin } from './plugin.js';

async function openIsolatedCore(
  artifact: LoadedArtifact,
  options: ResolvedLoadOptions,
  isolation: 'worker' | 'process',
  host: PluginHost,
): Promise<PluginCore> {
  if (isolation === 'worker') {
    const { openWorkerCore } = await import('./isolation/worker/index.js');
    return openWorkerCore(artifact, options, host);
  }
  const { openProcessCore } = await import('./isolation/process/index.js');
  return openProcessCore(artifact, options, host);
}

async function openCore(
  artifact: LoadedArtifact,
  options: ResolvedLoadOptions,
  isolation: Isolation,
  host: PluginHost,
): Promise<PluginCore> {
  try {
    if (isolation !== 'in-process')
      return await openIsolatedCore(artifact, options, isolation, host);
    return await openInProcessCore(artifact, options, host);
  } catch (error) {
    throw toPluginError(error, 'PLUGIN_LOAD_FAILED', `cannot load ${artifact.fileName}`);
  }
}

function writeLogToStderr(entry: LogEntry): void {
  process.stderr.write(`[${entry.plugin}] ${entry.source} ${entry.level}: ${entry.message}\n`);
}

/** The host side of the plugin's host API: it outlives instances, workers and children. */
function createPluginHost(artifact: LoadedArtifact, options: ResolvedLoadOptions): PluginHost {
  return new PluginHost({
    label: artifact.fileName,
    grants: options.grants,
    functions: options.hostFunctions,
    onLog: options.onLog ?? writeLogToStderr,
    onHostCall: options.onHostCall,
  });
}

function guardOptions(options: ResolvedLoadOptions, isolation: Isolation): GuardOptions {
  const guard = pickResolved(options, keysIn('guard'));
  return { ...guard, isolation, concurrency: isolation === 'in-process' ? 1 : guard.concurrency };
}

/**
 * Loads a plugin from a .wasm module or a native library (.dll, .so, .dylib), chosen by the
 * file's magic bytes, calls its Initialize with `config`, and returns it behind the one
 * {@link Plugin} contract. Fails with a PluginError; nothing is left loaded on failure.
 * `isolation` runs it in a worker thread (Wasm) or a child process, where a hang is a
 * PLUGIN_TIMEOUT and a crash a PLUGIN_CRASHED, never the host's end (docs/isolation.md).
 *
 * @example
 * const plugin = await loadPlugin({ path: 'build/plugins/redact/redact.so', config: { words: ['secret'] } });
 * const out = await plugin.processData(new TextEncoder().encode('my secret'));
 * await plugin.close();
 *
 * @example
 * const untrusted = await loadPlugin({ path: 'drop/plugin.so', isolation: 'process', timeoutMs: 2000 });
 */
export async function loadPlugin(pathOrOptions: string | LoadPluginOptions): Promise<Plugin> {
  const options = resolveLoadOptions(pathOrOptions);
  const artifact = await loadArtifact(options);
  const isolation = resolveIsolation(options, artifact.header.backend);
  const host = createPluginHost(artifact, options);
  const core = await openCore(artifact, options, isolation, host);
  try {
    await core.initialize(options.config);
  } catch (error) {
    await core.dispose();
    host.close();
    throw toPluginError(error, 'PLUGIN_INIT_FAILED', 'Initialize failed');
  }
  return new ManagedPlugin(core, artifact.identity, guardOptions(options, isolation), host);
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
  const core = await openCore(
    artifact,
    options,
    resolveIsolation(options, artifact.header.backend),
    createPluginHost(artifact, options),
  );
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
