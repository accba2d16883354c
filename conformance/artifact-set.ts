import {
  type ArtifactReport,
  type Capabilities,
  inspectArtifact,
  isPluginError,
  type LoadPluginOptions,
  type NativeAdapter,
} from '../runtime/index.js';

/** An artifact to check: a path, and how reports name it (the path by default). */
export interface ArtifactSpec {
  readonly path: string;
  readonly label?: string;
  /** A legacy native library's adapter (plugin.json's `adapter`, docs/legacy-dlls.md). */
  readonly adapter?: NativeAdapter;
}

/** How an artifact is loaded: its path, and its adapter when it has one. */
export function artifactLoad(artifact: ArtifactSpec): LoadPluginOptions {
  return artifact.adapter === undefined
    ? { path: artifact.path }
    : { path: artifact.path, adapter: artifact.adapter };
}

/** An artifact that loads on this host, with what it says about itself. */
export interface RunnableArtifact {
  readonly label: string;
  readonly path: string;
  readonly adapter?: NativeAdapter;
  readonly report: ArtifactReport;
}

/** An artifact left out, and why (a native library built for another platform). */
export interface SkippedArtifact {
  readonly label: string;
  readonly path: string | undefined;
  readonly reason: string;
}

export interface ArtifactSet {
  /** In the order given: the first is the reference that suggested cases take results from. */
  readonly runnable: readonly RunnableArtifact[];
  readonly skipped: readonly SkippedArtifact[];
}

export interface PrepareOptions {
  /** Treat a native library built for another platform as a load error instead of skipping it. */
  readonly requireAll?: boolean;
  /** What the artifacts are granted: a Wasm module importing what is not granted does not load. */
  readonly capabilities?: Capabilities | undefined;
}

/**
 * Loads each artifact far enough to know it is a valid plugin (header, exports, PluginInfo).
 * A native library built for another platform is skipped with the reason, unless
 * `requireAll`; every other load error is thrown as the runtime's PluginError.
 */
export async function prepareArtifacts(
  specs: readonly ArtifactSpec[],
  options: PrepareOptions = {},
): Promise<ArtifactSet> {
  const runnable: RunnableArtifact[] = [];
  const skipped: SkippedArtifact[] = [];
  for (const spec of specs) {
    const label = spec.label ?? spec.path;
    try {
      const { capabilities } = options;
      const load = artifactLoad(spec);
      const withGrants = capabilities === undefined ? load : { ...load, capabilities };
      runnable.push({ ...spec, label, report: await inspectArtifact(withGrants) });
    } catch (error) {
      if (options.requireAll || !isPluginError(error, 'PLUGIN_PLATFORM_MISMATCH')) throw error;
      skipped.push({ label, path: spec.path, reason: error.message });
    }
  }
  return { runnable, skipped };
}
