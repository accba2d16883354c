import koffi from 'koffi';
import { toPluginError } from '../../errors.js';
import { dependencyDirOf, type LoadedArtifact } from '../../loaded-artifact.js';
import type { ResolvedLoadOptions } from '../../options.js';
import { collectDependencies, type Dependency } from './dependencies.js';
import { createShadowCopy } from './shadow-copy.js';

export type KoffiLibrary = ReturnType<typeof koffi.load>;

/** A native library loaded from its shadow copy, with its own dependencies loaded before it. */
export interface ShadowLoadedLibrary {
  readonly library: KoffiLibrary;
  /** Unloads the library, then its dependencies, then removes the copies. */
  release(): void;
}

/** A PE plugin's own DLLs: the ones it imports from the folder it came from. */
function dependenciesOf(artifact: LoadedArtifact, options: ResolvedLoadOptions): Dependency[] {
  const dir = dependencyDirOf(artifact, options);
  return dir === undefined ? [] : collectDependencies(artifact.bytes, artifact.fileName, dir);
}

function unloadAll(libraries: readonly KoffiLibrary[]): void {
  for (const library of [...libraries].reverse()) library.unload();
}

/**
 * Copies the library, and the DLLs it imports from its own folder, to a private shadow folder
 * and loads them from there, dependencies first by full path. Windows resolves a DLL's imports
 * by module name and takes an already-loaded module of that name before searching any folder,
 * so the plugin binds to these copies whatever the current directory, PATH, or the flags the
 * loader is called with; and the plugin's folder is never locked, so every file in it can be
 * replaced while it runs (docs/windows.md).
 */
export function loadFromShadowCopy(
  artifact: LoadedArtifact,
  options: ResolvedLoadOptions,
): ShadowLoadedLibrary {
  const dependencies = dependenciesOf(artifact, options);
  const shadow = createShadowCopy(
    artifact.bytes,
    artifact.identity.sha256,
    artifact.fileName,
    options.shadowDir,
    dependencies,
  );
  const loaded: KoffiLibrary[] = [];
  try {
    for (const path of [...shadow.dependencyPaths, shadow.path]) loaded.push(koffi.load(path));
  } catch (error) {
    unloadAll(loaded);
    shadow.remove();
    const what = loaded.length < dependencies.length ? dependencies[loaded.length]!.fileName : '';
    throw toPluginError(
      error,
      'PLUGIN_LOAD_FAILED',
      `cannot load native library ${artifact.fileName}${what ? ` (its dependency ${what})` : ''}`,
    );
  }
  return {
    library: loaded.at(-1)!,
    release() {
      try {
        unloadAll(loaded);
      } finally {
        shadow.remove();
      }
    },
  };
}
