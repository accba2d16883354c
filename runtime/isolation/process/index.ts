import type { LoadedArtifact } from '../../loaded-artifact.js';
import type { PluginCore } from '../../managed-plugin.js';
import type { ResolvedLoadOptions } from '../../options.js';

export async function openProcessCore(
  _artifact: LoadedArtifact,
  _options: ResolvedLoadOptions,
): Promise<PluginCore> {
  throw new Error('not yet');
}
