// The one definition of loadPlugin's options: one row per option says which layers carry it
// and how its value is checked and defaulted. Every subset (a registry source, plugin.json's
// limits, a child's settings, a worker's, the guard's, the registry's load key) is derived
// from the rows by type (OptionsIn) and by key list (keysIn), so a new option is its field in
// LoadPluginOptions plus its row here, and the `satisfies` below refuses to compile without
// the row.
import { tmpdir } from 'node:os';
import { resolveAdapter } from './adapter-options.js';
import {
  DEFAULT_LOAD_TIMEOUT_MS,
  DEFAULT_MAX_INPUT_BYTES,
  DEFAULT_MAX_QUEUED_CALLS,
  DEFAULT_TIMEOUT_MS,
  resolveBreaker,
} from './guard-options.js';
import { checkCapabilities, checkDeterministic, hostFunctionMap } from './host/grants.js';
import { encodeConfig, invalidOptions, positiveInteger } from './option-checks.js';
import type { CallingConvention, LoadPluginOptions } from './options.js';
import type { Backend } from './plugin.js';

/**
 * Where an option goes besides loadPlugin itself:
 * - `source`: a registry source (and so a watched folder) passes it to each artifact's load;
 * - `limits`: plugin.json may set it under "limits";
 * - `child`: a plugin child process needs it to load the artifact as the host would;
 * - `worker`: a Wasm worker needs it to instantiate the module;
 * - `guard`: the guard (ManagedPlugin) enforces it around every call;
 * - `key`: another value makes another plugin (part of the registry's load key).
 */
export type OptionLayer = 'source' | 'limits' | 'child' | 'worker' | 'guard' | 'key';

interface OptionRow<K extends keyof LoadPluginOptions> {
  readonly layers: readonly OptionLayer[];
  /** Checks the value as given and fills its default; absent for path, bytes and fileName, resolved together. */
  readonly resolve?: (value: LoadPluginOptions[K]) => unknown;
}

/** Largest output a call may produce unless `maxOutputBytes` says otherwise (64 MiB). */
export const DEFAULT_MAX_OUTPUT_BYTES = 64 * 1024 * 1024;
export const DEFAULT_MAX_MEMORY_PAGES = 4096;
const WASM_MAX_PAGES = 65536;
const MAX_CONCURRENCY = 64;
const MAX_MS = 2 ** 31 - 1;

function resolveBackend(backend: Backend | 'auto' | undefined): Backend | 'auto' {
  const value = backend ?? 'auto';
  if (value !== 'auto' && value !== 'native' && value !== 'wasm')
    throw invalidOptions(`"backend" must be auto, native or wasm, got ${String(value)}`);
  return value;
}

function resolveConvention(convention: CallingConvention | undefined): CallingConvention {
  const value = convention ?? 'cdecl';
  if (value !== 'cdecl' && value !== 'stdcall')
    throw invalidOptions(`"callingConvention" must be cdecl or stdcall, got ${String(value)}`);
  return value;
}

function resolveMetering(metering: boolean | undefined): boolean {
  if (metering !== undefined && typeof metering !== 'boolean')
    throw invalidOptions('"metering" must be true or false');
  return metering !== false;
}

function resolveSha256(sha256: string | undefined): string | undefined {
  const value = sha256?.toLowerCase();
  if (value !== undefined && !/^[0-9a-f]{64}$/.test(value))
    throw invalidOptions('"sha256" must be 64 hex digits');
  return value;
}

function optionalDir(dir: string | undefined, name: string): string | undefined {
  if (dir !== undefined && (typeof dir !== 'string' || dir === ''))
    throw invalidOptions(`"${name}" must be a non-empty string`);
  return dir;
}

function optionalFunction<F>(value: F | undefined, name: string): F | undefined {
  if (value !== undefined && typeof value !== 'function')
    throw invalidOptions(`"${name}" must be a function`);
  return value;
}

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,127}$/;
const MAX_ENV_NAMES = 64;

function resolveEnvNames(names: readonly string[] | undefined): readonly string[] {
  if (names === undefined) return [];
  if (!Array.isArray(names) || names.length > MAX_ENV_NAMES)
    throw invalidOptions(`"env" must be a list of at most ${MAX_ENV_NAMES} variable names`);
  for (const name of names) {
    if (typeof name !== 'string' || !ENV_NAME.test(name))
      throw invalidOptions(`"env" names variables (A-Z a-z 0-9 _), got ${JSON.stringify(name)}`);
    // Upper-cased: Windows compares names without case.
    if (name.toUpperCase().startsWith('TWINPLUG_'))
      throw invalidOptions(`"env" may not name ${name}: TWINPLUG_ variables are the host's own`);
  }
  return Object.freeze([...new Set(names)].sort());
}

const ms = (name: string, fallback: number) => (value: number | undefined) =>
  positiveInteger(value, name, fallback, MAX_MS);

export const LOAD_OPTIONS = {
  path: { layers: [] },
  bytes: { layers: [] },
  fileName: { layers: [] },
  backend: { layers: [], resolve: resolveBackend },
  sha256: { layers: [], resolve: resolveSha256 },
  config: { layers: ['source', 'key'], resolve: encodeConfig },
  maxOutputBytes: {
    layers: ['source', 'limits', 'child', 'worker', 'guard', 'key'],
    resolve: (value) =>
      positiveInteger(value, 'maxOutputBytes', DEFAULT_MAX_OUTPUT_BYTES, 2 ** 32 - 1),
  },
  maxMemoryPages: {
    layers: ['source', 'limits', 'child', 'worker', 'key'],
    resolve: (value) =>
      positiveInteger(value, 'maxMemoryPages', DEFAULT_MAX_MEMORY_PAGES, WASM_MAX_PAGES),
  },
  // Not a plugin.json limit: turning the meter off is the host's call, not the plugin's.
  metering: { layers: ['source', 'key'], resolve: resolveMetering },
  callingConvention: { layers: ['source', 'child', 'key'], resolve: resolveConvention },
  // JSON, so it travels to a plugin child as it is; its prototypes are parsed by the native backend.
  adapter: { layers: ['source', 'child', 'key'], resolve: resolveAdapter },
  shadowDir: {
    layers: ['source', 'child'],
    resolve: (value) => optionalDir(value, 'shadowDir') ?? tmpdir(),
  },
  dependencyDir: {
    layers: ['source', 'child', 'key'],
    resolve: (value) => optionalDir(value, 'dependencyDir'),
  },
  // Checked against the backend in options.ts: the default depends on the artifact's backend.
  isolation: { layers: ['source', 'key'], resolve: (value) => value },
  timeoutMs: {
    layers: ['source', 'limits', 'guard', 'key'],
    resolve: ms('timeoutMs', DEFAULT_TIMEOUT_MS),
  },
  loadTimeoutMs: {
    layers: ['source', 'limits', 'worker', 'key'],
    resolve: ms('loadTimeoutMs', DEFAULT_LOAD_TIMEOUT_MS),
  },
  maxInputBytes: {
    layers: ['source', 'limits', 'guard', 'key'],
    resolve: (value) =>
      positiveInteger(value, 'maxInputBytes', DEFAULT_MAX_INPUT_BYTES, 2 ** 32 - 1),
  },
  concurrency: {
    layers: ['source', 'limits', 'guard', 'key'],
    resolve: (value) => positiveInteger(value, 'concurrency', 1, MAX_CONCURRENCY),
  },
  maxQueuedCalls: {
    layers: ['source', 'limits', 'guard', 'key'],
    resolve: (value) =>
      value === 0
        ? 0
        : positiveInteger(value, 'maxQueuedCalls', DEFAULT_MAX_QUEUED_CALLS, 1_000_000),
  },
  // Undefined: the guard waits twice `timeoutMs` (a resolver sees its own option only).
  queueTimeoutMs: {
    layers: ['source', 'limits', 'guard', 'key'],
    resolve: (value) => (value === undefined ? undefined : ms('queueTimeoutMs', 0)(value)),
  },
  breaker: { layers: ['source', 'guard', 'key'], resolve: resolveBreaker },
  onStderr: { layers: ['source'], resolve: (value) => optionalFunction(value, 'onStderr') },
  // Host API (docs/host-api.md): resolved together into `grants` in options.ts.
  capabilities: { layers: ['source', 'key'], resolve: checkCapabilities },
  deterministic: { layers: ['source', 'key'], resolve: checkDeterministic },
  hostFunctions: { layers: ['source'], resolve: hostFunctionMap },
  onLog: { layers: ['source'], resolve: (value) => optionalFunction(value, 'onLog') },
  onHostCall: { layers: ['source'], resolve: (value) => optionalFunction(value, 'onHostCall') },
  env: { layers: ['source', 'worker', 'key'], resolve: resolveEnvNames },
} as const satisfies { readonly [K in keyof LoadPluginOptions]-?: OptionRow<K> };

type Table = typeof LOAD_OPTIONS;

/** The options a layer carries, as a union of keys: `Pick<LoadPluginOptions, OptionsIn<'limits'>>`. */
export type OptionsIn<L extends OptionLayer> = {
  [K in keyof Table]: L extends Table[K]['layers'][number] ? K : never;
}[keyof Table];

/** The options with a resolver: every one but the artifact's path, bytes and file name. */
export type ResolvedKey = {
  [K in keyof Table]: Table[K] extends { resolve: unknown } ? K : never;
}[keyof Table];

/** An option's value once resolved: checked, defaulted. */
export type ResolvedValue<K extends ResolvedKey> = Table[K] extends {
  resolve: (value: never) => infer R;
}
  ? R
  : never;

/** The options a layer carries, as a list: `keysIn('limits')` is plugin.json's limit keys. */
export function keysIn<L extends OptionLayer>(layer: L): readonly OptionsIn<L>[] {
  const rows = Object.entries(LOAD_OPTIONS) as [keyof Table, OptionRow<keyof Table>][];
  return rows.filter(([, row]) => row.layers.includes(layer)).map(([name]) => name as OptionsIn<L>);
}

/** Runs every option's resolver on the options as given. */
export function resolveEach(options: LoadPluginOptions): {
  [K in ResolvedKey]: ResolvedValue<K>;
} {
  const resolved: Record<string, unknown> = {};
  for (const [name, row] of Object.entries(LOAD_OPTIONS) as [
    keyof Table,
    OptionRow<keyof Table>,
  ][]) {
    if (row.resolve !== undefined) resolved[name] = row.resolve(options[name] as never);
  }
  return resolved as { [K in ResolvedKey]: ResolvedValue<K> };
}
