import type { LoadedArtifact } from '../../../loaded-artifact.js';
import type { PluginCore } from '../../../managed-plugin.js';
import type { ResolvedLoadOptions } from '../../../options.js';
import type { ShadowLoadedLibrary } from '../shadow-load.js';
import { FunctionsCore } from './functions.js';
import { IModuleCore } from './imodule.js';

/** A legacy library behind the PluginCore contract, as its `adapter` option declares it. */
export function openAdaptedCore(
  loaded: ShadowLoadedLibrary,
  artifact: LoadedArtifact,
  options: ResolvedLoadOptions,
): PluginCore {
  if (options.adapter?.kind === 'imodule') return new IModuleCore(loaded, artifact, options);
  return new FunctionsCore(loaded, artifact, options);
}
