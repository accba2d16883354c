import { compileWasmModule } from '../../backends/wasm/index.js';
import type { PluginHost } from '../../host/plugin-host.js';
import type { LoadedArtifact } from '../../loaded-artifact.js';
import type { PluginCore } from '../../managed-plugin.js';
import { keysIn, pickResolved, type ResolvedLoadOptions } from '../../options.js';
import { IsolatedCore } from '../isolated-core.js';
import { workerSessions } from './start-worker.js';

/**
 * Wasm in worker threads: the host compiles and checks the module (no plugin code runs in the
 * host), each worker instantiates it and runs its calls.
 */
export async function openWorkerCore(
  artifact: LoadedArtifact,
  options: ResolvedLoadOptions,
  host: PluginHost,
): Promise<PluginCore> {
  // The worker is ended on a timeout: its module needs no meter.
  const module = await compileWasmModule(artifact, options, false);
  const start = workerSessions(host, {
    ...pickResolved(options, keysIn('worker')),
    module,
    grants: options.grants,
    fileName: artifact.fileName,
  });
  return IsolatedCore.open(start, options.concurrency, options.loadTimeoutMs);
}
