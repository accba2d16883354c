import { readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { type NativeAdapter, resolveAdapter } from '../adapter-options.js';
import { type ComparatorSpec, parseComparatorSpec } from '../cases/comparator-spec.js';
import { isPluginError, PluginError } from '../errors.js';
import { type Capabilities, resolveGrants } from '../host/grants.js';
import {
  type IsolationChoice,
  keysIn,
  type LoadPluginOptions,
  type OptionsIn,
  resolveLoadOptions,
} from '../options.js';
import type { Backend } from '../plugin.js';

/** A plugin folder's plugin.json, checked. Every field is optional. */
export interface PluginManifest {
  /** Which twin serves when both are present (default: native on Windows, wasm elsewhere). */
  readonly prefer: Backend | undefined;
  /** Passed to Initialize: a string as its UTF-8 bytes, any other JSON value serialised. */
  readonly config: unknown;
  /** Pinned sha256 per artifact file name: any other bytes are refused. */
  readonly sha256: Readonly<Record<string, string>>;
  readonly limits: ManifestLimits;
  /**
   * Where the plugin runs: a mode or `{ wasm, native }`. Absent, the folder's default applies
   * ({@link FOLDER_ISOLATION}: Wasm metered in-process, native in a child process); a native
   * library in-process is for trusted plugins only, a Wasm worker for CPU-heavy ones.
   */
  readonly isolation: IsolationChoice | undefined;
  /** Load on the first call instead of when the folder appears. */
  readonly lazy: boolean;
  /** Unload after this long without calls; the next call loads it again. */
  readonly idleUnloadMs: number | undefined;
  /** Never unloaded to stay under the registry's memory budget. */
  readonly keepLoaded: boolean;
  /** Activate whatever the folder holds, even a lower version than the active one. */
  readonly force: boolean;
  /** The media type of the plugin's output, for servers (e.g. "application/json"). */
  readonly contentType: string | undefined;
  /** What the plugin may use of the host (docs/host-api.md); absent, nothing. */
  readonly capabilities: Capabilities | undefined;
  /** Names of the host's environment variables the plugin's worker or child may see (never TWINPLUG_*). */
  readonly env: readonly string[] | undefined;
  /** How the native twin is called when it is a legacy library (docs/legacy-dlls.md). */
  readonly adapter: NativeAdapter | undefined;
  /** How conformance compares this plugin's twins (`exact` when absent). */
  readonly compare: ComparatorSpec | undefined;
}

/** The limits plugin.json may set, as for loadPlugin: the `limits` layer of the option table. */
export type ManifestLimits = Readonly<Pick<LoadPluginOptions, OptionsIn<'limits'>>>;

/** plugin.json's keys; `$schema` names the JSON Schema editors check it against (schemas/). */
export const MANIFEST_KEYS = [
  '$schema',
  'prefer',
  'config',
  'sha256',
  'limits',
  'isolation',
  'lazy',
  'idleUnloadMs',
  'keepLoaded',
  'force',
  'contentType',
  'capabilities',
  'env',
  'adapter',
  'compare',
] as const;
const MEDIA_TYPE = /^[A-Za-z0-9!#$&^_.+-]{1,64}\/[A-Za-z0-9!#$&^_.+-]{1,64}(;[ -~]{0,128})?$/;
const LIMIT_KEYS = keysIn('limits');
const ARTIFACT_SUFFIXES = ['.wasm', '.dll', '.so', '.dylib'];

function invalid(path: string, message: string, field?: string): PluginError {
  return new PluginError('PLUGIN_MANIFEST_INVALID', `${path}: ${message}`, {
    details: field === undefined ? { path } : { path, field },
  });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function checkKeys(
  value: Record<string, unknown>,
  known: readonly string[],
  path: string,
  where: string,
): void {
  for (const key of Object.keys(value)) {
    if (!known.includes(key)) {
      throw invalid(path, `unknown key "${key}" in ${where} (known: ${known.join(', ')})`, key);
    }
  }
}

function parseSha256(value: unknown, name: string, path: string): Record<string, string> {
  if (value === undefined) return {};
  if (!isRecord(value))
    throw invalid(path, '"sha256" must map artifact file names to hashes', 'sha256');
  const artifacts = ARTIFACT_SUFFIXES.map((suffix) => `${name}${suffix}`);
  const pinned: Record<string, string> = {};
  for (const [file, hash] of Object.entries(value)) {
    if (!artifacts.includes(file)) {
      throw invalid(path, `"sha256" names "${file}", not one of ${artifacts.join(', ')}`, 'sha256');
    }
    if (typeof hash !== 'string' || !/^[0-9a-fA-F]{64}$/.test(hash)) {
      throw invalid(path, `"sha256"."${file}" must be 64 hex digits`, 'sha256');
    }
    pinned[file] = hash.toLowerCase();
  }
  return pinned;
}

function parseLimits(value: unknown, path: string): ManifestLimits {
  if (value === undefined) return {};
  if (!isRecord(value)) throw invalid(path, '"limits" must be an object', 'limits');
  checkKeys(value, LIMIT_KEYS, path, '"limits"');
  return value as ManifestLimits;
}

function tryOptions(options: object, field: 'limits' | 'isolation' | 'env', path: string): void {
  try {
    resolveLoadOptions({ bytes: new Uint8Array(0), ...options });
  } catch (error) {
    if (!isPluginError(error, 'PLUGIN_INVALID_OPTIONS')) throw error;
    throw invalid(path, `"${field}": ${error.message}`, field);
  }
}

/** Checks the limits, then isolation with them, as loadPlugin will (concurrency in-process is refused). */
function checkPlacement(
  isolation: unknown,
  limits: ManifestLimits,
  path: string,
): IsolationChoice | undefined {
  tryOptions(limits, 'limits', path);
  if (isolation === undefined) return undefined;
  tryOptions({ ...limits, isolation }, 'isolation', path);
  return isolation as IsolationChoice;
}

function parseCapabilities(value: unknown, path: string): Capabilities | undefined {
  if (value === undefined) return undefined;
  try {
    resolveGrants(value as Capabilities, undefined);
  } catch (error) {
    if (!isPluginError(error, 'PLUGIN_INVALID_OPTIONS')) throw error;
    throw invalid(path, `"capabilities": ${error.message}`, 'capabilities');
  }
  return value as Capabilities;
}

function parseEnv(env: unknown, path: string): readonly string[] | undefined {
  if (env === undefined) return undefined;
  tryOptions({ env }, 'env', path);
  return env as readonly string[];
}

function optionalBoolean(value: unknown, key: string, path: string): boolean {
  if (value === undefined) return false;
  if (typeof value !== 'boolean') throw invalid(path, `"${key}" must be true or false`, key);
  return value;
}

function parseAdapter(value: unknown, path: string): NativeAdapter | undefined {
  try {
    return resolveAdapter(value);
  } catch (error) {
    if (!isPluginError(error, 'PLUGIN_INVALID_OPTIONS')) throw error;
    throw invalid(path, error.message, String(error.details?.field ?? 'adapter'));
  }
}

function parseCompare(value: unknown, path: string): ComparatorSpec | undefined {
  if (value === undefined) return undefined;
  const parsed = parseComparatorSpec(value, 'compare', dirname(path));
  if (!parsed.ok) throw invalid(path, parsed.message, parsed.field);
  return parsed.spec;
}

/** Parses plugin.json strictly: unknown keys and wrong types are PLUGIN_MANIFEST_INVALID. */
export function parseManifest(text: string, name: string, path: string): PluginManifest {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw invalid(path, `not JSON: ${(error as Error).message}`);
  }
  if (!isRecord(raw)) throw invalid(path, 'must be a JSON object');
  checkKeys(raw, MANIFEST_KEYS, path, 'plugin.json');
  const { prefer, idleUnloadMs } = raw;
  const limits = parseLimits(raw.limits, path);
  if (prefer !== undefined && prefer !== 'native' && prefer !== 'wasm') {
    throw invalid(path, '"prefer" must be "native" or "wasm"', 'prefer');
  }
  if (idleUnloadMs !== undefined && !(typeof idleUnloadMs === 'number' && idleUnloadMs > 0)) {
    throw invalid(path, '"idleUnloadMs" must be a positive number of milliseconds', 'idleUnloadMs');
  }
  const { contentType } = raw;
  if (
    contentType !== undefined &&
    (typeof contentType !== 'string' || !MEDIA_TYPE.test(contentType))
  ) {
    throw invalid(
      path,
      '"contentType" must be a media type such as "application/json"',
      'contentType',
    );
  }
  return {
    prefer,
    contentType,
    compare: parseCompare(raw.compare, path),
    config: raw.config,
    sha256: parseSha256(raw.sha256, name, path),
    limits,
    isolation: checkPlacement(raw.isolation, limits, path),
    lazy: optionalBoolean(raw.lazy, 'lazy', path),
    idleUnloadMs,
    keepLoaded: optionalBoolean(raw.keepLoaded, 'keepLoaded', path),
    force: optionalBoolean(raw.force, 'force', path),
    capabilities: parseCapabilities(raw.capabilities, path),
    env: parseEnv(raw.env, path),
    adapter: parseAdapter(raw.adapter, path),
  };
}

/** Reads and parses a plugin folder's plugin.json. */
export async function readManifest(path: string, name: string): Promise<PluginManifest> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw invalid(path, `cannot read: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  return parseManifest(text, name, path);
}
