import { basename } from 'node:path';
import { PluginError } from '../errors.js';
import {
  keysIn,
  type LoadPluginOptions,
  type OptionsIn,
  type ResolvedLoadOptions,
  resolveLoadOptions,
} from '../options.js';

/** One artifact of a plugin, with the sha256 it must have when one is pinned. */
export interface ArtifactChoice {
  readonly path: string;
  readonly sha256?: string;
}

/** Load options shared by every artifact of a source (the artifact itself is added per load). */
export type SharedLoadOptions = Pick<LoadPluginOptions, OptionsIn<'source'>>;

/**
 * What {@link PluginRegistry.register} loads: an artifact or its twins, and how. Every load
 * option of the `source` layer (config, limits, isolation, shadowDir, dependencyDir...) is
 * passed to loadPlugin as it is (default in-process; a watched folder defaults to
 * ISOLATED_MODES). A Windows DLL's own dependencies are taken from `dependencyDir`, else from
 * the folder of the artifact, as loadPlugin does for a path.
 */
export interface PluginSource extends Readonly<SharedLoadOptions> {
  /**
   * The artifact, or its twins most preferred first (e.g. `['x.so', 'x.wasm']`): when one
   * fails to load or validate, the next one serves and a `fallback` event says so.
   */
  readonly artifacts: string | readonly (string | ArtifactChoice)[];
  /** A cases.json every candidate must pass before it is activated. */
  readonly cases?: string;
  /** Activates a lower version, or the same version with other bytes, instead of refusing it. */
  readonly force?: boolean;
  /** Loads on the first call instead of now. */
  readonly lazy?: boolean;
  /** Unloads the active version after this long without calls (default: the registry's). */
  readonly idleUnloadMs?: number;
  /** Never unloaded to stay under the registry's memoryBudget (idle unloading still applies). */
  readonly keepLoaded?: boolean;
}

export interface ResolvedSource {
  readonly artifacts: readonly ArtifactChoice[];
  readonly load: SharedLoadOptions;
  /** Every load option that changes behaviour, as text: same key and same bytes, same plugin. */
  readonly optionsKey: string;
  readonly cases: string | undefined;
  readonly force: boolean;
  readonly lazy: boolean;
  readonly idleUnloadMs: number | undefined;
  readonly keepLoaded: boolean;
}

function invalid(message: string): PluginError {
  return new PluginError('PLUGIN_INVALID_OPTIONS', message);
}

function resolveArtifacts(artifacts: PluginSource['artifacts']): ArtifactChoice[] {
  const list = typeof artifacts === 'string' ? [artifacts] : artifacts;
  if (!Array.isArray(list) || list.length === 0)
    throw invalid('"artifacts" must be a path or a non-empty list of paths');
  return list.map((entry: string | ArtifactChoice) => {
    const choice = typeof entry === 'string' ? { path: entry } : entry;
    if (typeof choice?.path !== 'string' || choice.path.length === 0)
      throw invalid('each artifact needs a non-empty "path"');
    if (choice.sha256 !== undefined && !/^[0-9a-fA-F]{64}$/.test(choice.sha256))
      throw invalid(`"sha256" of ${choice.path} must be 64 hex digits`);
    return choice.sha256 === undefined
      ? { path: choice.path }
      : { path: choice.path, sha256: choice.sha256.toLowerCase() };
  });
}

function sharedLoadOptions(source: PluginSource): SharedLoadOptions {
  const load: Partial<Record<OptionsIn<'source'>, unknown>> = {};
  for (const key of keysIn('source')) if (source[key] !== undefined) load[key] = source[key];
  return load as SharedLoadOptions;
}

/** A value of the load key: bytes as base64, undefined as null (JSON has no undefined). */
function keyPart(value: unknown): unknown {
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  return value ?? null;
}

/** Every option that changes behaviour, resolved, as text. */
function optionsKey(resolved: ResolvedLoadOptions): string {
  return JSON.stringify(keysIn('key').map((key) => keyPart(resolved[key])));
}

/** Checks a source and fills its defaults, before any artifact is touched. */
export function resolveSource(source: PluginSource): ResolvedSource {
  if (typeof source !== 'object' || source === null) throw invalid('expected a plugin source');
  const load = sharedLoadOptions(source);
  const { idleUnloadMs } = source;
  if (idleUnloadMs !== undefined && !(idleUnloadMs > 0))
    throw invalid('"idleUnloadMs" must be a positive number of milliseconds (or Infinity)');
  // Rejects bad limits now, once, rather than at each artifact's load.
  const resolved = resolveLoadOptions({ ...load, bytes: new Uint8Array(0) });
  return {
    artifacts: resolveArtifacts(source.artifacts),
    load,
    optionsKey: optionsKey(resolved),
    cases: source.cases,
    force: source.force === true,
    lazy: source.lazy === true,
    idleUnloadMs,
    keepLoaded: source.keepLoaded === true,
  };
}

/** The name a native artifact given as bytes is loaded under (its shadow copy's file name). */
export function loadFileName(path: string): string {
  const name = basename(path)
    .replace(/[^A-Za-z0-9._-]/g, '_')
    .replace(/^\.+/, '');
  return (name || 'plugin').slice(-128);
}
