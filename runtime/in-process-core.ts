import { openWasmPlugin } from './backends/wasm/index.js';
import type { HostLink } from './host/link.js';
import type { LoadedArtifact } from './loaded-artifact.js';
import type { PluginCore } from './managed-plugin.js';
import type { ResolvedLoadOptions } from './options.js';

/** Opens a plugin on this thread: the in-process modes, and what a child process runs. */
export async function openInProcessCore(
  artifact: LoadedArtifact,
  options: ResolvedLoadOptions,
  link: HostLink,
): Promise<PluginCore> {
  if (artifact.header.backend === 'wasm') return openWasmPlugin(artifact, options, link);
  // koffi is loaded only when a native plugin is, so Wasm-only hosts never need its binary.
  const { openNativePlugin } = await import('./backends/native/index.js');
  return openNativePlugin(artifact, options, link);
}
