import type { NativeAdapter } from './adapter-options.js';
import {
  type BreakerOptions,
  checkIsolationChoice,
  type IsolationChoice,
} from './guard-options.js';
import {
  type Capabilities,
  type DeterministicOptions,
  type ResolvedGrants,
  resolveGrants,
} from './host/grants.js';
import type { HostCallRecord, HostFunction, LogEntry } from './host/plugin-host.js';
import { invalidOptions } from './option-checks.js';
import { type ResolvedKey, type ResolvedValue, resolveEach } from './option-table.js';
import type { Backend } from './plugin.js';

export type CallingConvention = 'cdecl' | 'stdcall';
export {
  type AdapterInfo,
  FUNCTION_CONVENTIONS,
  type FunctionConvention,
  type FunctionsAdapter,
  type IModuleAdapter,
  type NativeAdapter,
} from './adapter-options.js';
export {
  type BreakerOptions,
  DEFAULT_BREAKER,
  DEFAULT_LOAD_TIMEOUT_MS,
  DEFAULT_MAX_INPUT_BYTES,
  DEFAULT_MAX_QUEUED_CALLS,
  DEFAULT_TIMEOUT_MS,
  FOLDER_ISOLATION,
  ISOLATED_MODES,
  type Isolation,
  type IsolationByBackend,
  type IsolationChoice,
  type ResolvedBreakerOptions,
  resolveIsolation,
} from './guard-options.js';

export { encodeConfig } from './option-checks.js';
export {
  DEFAULT_MAX_MEMORY_PAGES,
  DEFAULT_MAX_OUTPUT_BYTES,
  keysIn,
  LOAD_OPTIONS,
  type OptionLayer,
  type OptionsIn,
} from './option-table.js';

/** A JSON value given as config is serialised with JSON.stringify before Initialize sees it. */
export type PluginConfig =
  | Uint8Array
  | string
  | { readonly [key: string]: unknown }
  | readonly unknown[];

/**
 * Options for {@link loadPlugin}. Give exactly one of `path` and `bytes`. Each field has one row
 * in LOAD_OPTIONS (option-table.ts): where it goes, how it is checked and defaulted.
 */
export interface LoadPluginOptions {
  /** The artifact on disk: a .wasm module or a native library (.dll, .so, .dylib). */
  path?: string;
  /** The artifact's bytes, when it is not on disk (uploads, fuzzing). */
  bytes?: Uint8Array;
  /** A file name for a native artifact given as bytes (its shadow copy is written under it). */
  fileName?: string;
  /** Which backend to use; `auto` (default) reads the artifact's magic bytes. */
  backend?: Backend | 'auto';
  /** Expected lower-case hex sha256; a different artifact is refused with PLUGIN_HASH_MISMATCH. */
  sha256?: string;
  /** Bytes passed to Initialize. */
  config?: PluginConfig;
  /** Largest output a call may produce (default 64 MiB); more is PLUGIN_OUTPUT_TOO_LARGE. */
  maxOutputBytes?: number;
  /** Wasm only: cap on linear memory in 64 KiB pages (default 4096 = 256 MiB). */
  maxMemoryPages?: number;
  /**
   * Wasm in-process only: compile a deadline check into the module (default true), so that a
   * call past `timeoutMs`, or one whose `signal` aborts, is stopped with PLUGIN_TIMEOUT or
   * PLUGIN_CANCELLED and the next call gets a fresh instance. See docs/isolation.md.
   */
  metering?: boolean;
  /** Native only: calling convention of the exports (default cdecl; stdcall matters on 32-bit Windows). */
  callingConvention?: CallingConvention;
  /**
   * Native only: how to call a legacy library that does not export twinplug's ABI (a C++
   * `IModule` made by a factory, or flat C functions declared by prototype). A Wasm twin loaded
   * with the same options ignores it. See docs/legacy-dlls.md.
   */
  adapter?: NativeAdapter;
  /**
   * Native only: the folder in which this process creates its private shadow folder (mkdtemp,
   * 0700) for the copies it loads (default: the temp folder). Refused when it is a link, or
   * belongs to, or may be written by, another user without the sticky bit. See docs/abi.md.
   */
  shadowDir?: string;
  /**
   * Native only: the folder a Windows DLL's own dependencies are copied from into its shadow
   * folder (default: the folder of `path`; none for `bytes`). See docs/windows.md.
   */
  dependencyDir?: string;
  /**
   * Where the plugin runs (default `in-process`): one mode, or one per backend such as
   * {@link ISOLATED_MODES}. `worker` is for Wasm only.
   */
  isolation?: IsolationChoice;
  /** A call past this is PLUGIN_TIMEOUT (default 10 s): in a worker or process, or metered Wasm in-process. */
  timeoutMs?: number;
  /** Worker and process only: starting a worker or child and loading the plugin in it past this is PLUGIN_TIMEOUT (default 10 s). */
  loadTimeoutMs?: number;
  /** Largest input a call may pass (default 64 MiB); more is PLUGIN_INPUT_TOO_LARGE. */
  maxInputBytes?: number;
  /** Worker and process only: workers or child processes that run calls side by side (default 1). */
  concurrency?: number;
  /** Calls that may wait for a free slot (default 100); one more is PLUGIN_OVERLOADED. */
  maxQueuedCalls?: number;
  /**
   * Worker and process only: how long a call may wait in the queue for a free slot before it is
   * dropped with PLUGIN_OVERLOADED (default: twice `timeoutMs`, long enough for the call ahead
   * to time out and this one to take its turn), so calls queued behind a hanging plugin do not
   * wait for ever.
   */
  queueTimeoutMs?: number;
  /** The circuit breaker's settings, or false to turn it off. */
  breaker?: BreakerOptions | false;
  /** Process only: receives the child's stdout and stderr, bounded (default: this process's stderr). */
  onStderr?: (text: string) => void;
  /**
   * What the plugin may use of the host (docs/host-api.md): log, kv, host functions, WASI.
   * Absent, nothing: a Wasm module importing any of it is refused with PLUGIN_CAPABILITY_DENIED.
   */
  capabilities?: Capabilities;
  /**
   * Functions the application offers, by name; a plugin calls those its `capabilities.hostFunctions`
   * grants. Async ones are served in worker and process isolation only.
   */
  hostFunctions?: Readonly<Record<string, HostFunction>>;
  /** Receives the plugin's log lines and WASI output (default: this process's stderr). */
  onLog?: (entry: LogEntry) => void;
  /** Receives every host call (function, arguments, result) in order: conformance traces. */
  onHostCall?: (record: HostCallRecord) => void;
  /** A fixed clock and seeded random for WASI whatever the grants say (conformance). */
  deterministic?: boolean | DeterministicOptions;
  /**
   * Worker and process only: names of this process's environment variables the plugin may see
   * (default none). A child process gets these and what the platform needs to start and load a
   * library (PATH, TMPDIR; on Windows also SystemRoot, windir, TEMP, TMP), a worker these only;
   * nothing else of the host's environment. Names starting with TWINPLUG_ are refused: the
   * server's secrets and config never reach a plugin. See docs/security.md.
   */
  env?: readonly string[];
}

/** The options once checked and defaulted: one entry per row of the option table. */
export type ResolvedLoadOptions = {
  readonly [K in ResolvedKey]: ResolvedValue<K>;
} & {
  readonly source:
    | { readonly path: string }
    | { readonly bytes: Uint8Array; readonly fileName: string };
  /** `capabilities` and `deterministic` resolved together (docs/host-api.md). */
  readonly grants: ResolvedGrants;
  /** Which options the caller set, for the checks that need the artifact's backend. */
  readonly given: ReadonlySet<keyof LoadPluginOptions>;
};

function resolveSource(options: LoadPluginOptions): ResolvedLoadOptions['source'] {
  const { path, bytes, fileName } = options;
  if ((path === undefined) === (bytes === undefined))
    throw invalidOptions('give exactly one of "path" and "bytes"');
  if (path !== undefined) {
    if (typeof path !== 'string' || path.length === 0)
      throw invalidOptions('"path" must be a non-empty string');
    if (fileName !== undefined) throw invalidOptions('"fileName" goes with "bytes", not "path"');
    return { path };
  }
  if (!(bytes instanceof Uint8Array)) throw invalidOptions('"bytes" must be a Uint8Array');
  const name = fileName ?? 'plugin';
  if (!/^[A-Za-z0-9._-]{1,128}$/.test(name) || name.startsWith('.')) {
    throw invalidOptions('"fileName" must be a plain file name (A-Z a-z 0-9 . _ -)');
  }
  return { bytes, fileName: name };
}

/** The combinations one backend cannot honour, known before the artifact is read. */
function checkBackendOptions(options: LoadPluginOptions, backend: Backend | 'auto'): void {
  if (
    backend === 'wasm' &&
    (options.callingConvention !== undefined ||
      options.adapter !== undefined ||
      options.shadowDir !== undefined ||
      options.dependencyDir !== undefined)
  ) {
    throw invalidOptions(
      '"callingConvention", "adapter", "shadowDir" and "dependencyDir" apply to the native backend only',
    );
  }
  if (
    backend === 'native' &&
    (options.maxMemoryPages !== undefined || options.metering !== undefined)
  ) {
    throw invalidOptions('"maxMemoryPages" and "metering" apply to the wasm backend only');
  }
  if (options.isolation !== undefined)
    checkIsolationChoice(
      options.isolation,
      backend,
      (name) => options[name] !== undefined,
      options.metering !== false,
    );
}

/** Fills every default and rejects impossible combinations, once, before any backend runs. */
export function resolveLoadOptions(pathOrOptions: string | LoadPluginOptions): ResolvedLoadOptions {
  const options: LoadPluginOptions =
    typeof pathOrOptions === 'string' ? { path: pathOrOptions } : pathOrOptions;
  if (typeof options !== 'object' || options === null)
    throw invalidOptions('expected a path or an options object');
  const resolved = resolveEach(options);
  checkBackendOptions(options, resolved.backend);
  return {
    ...resolved,
    source: resolveSource(options),
    grants: resolveGrants(options.capabilities, options.deterministic),
    given: new Set(
      (Object.keys(options) as (keyof LoadPluginOptions)[]).filter(
        (key) => options[key] !== undefined,
      ),
    ),
  };
}

/** The resolved values of some options: a layer's subset, e.g. `pickResolved(options, keysIn('guard'))`. */
export function pickResolved<K extends ResolvedKey>(
  resolved: ResolvedLoadOptions,
  keys: readonly K[],
): Pick<ResolvedLoadOptions, K> {
  const picked: Partial<Record<K, unknown>> = {};
  for (const key of keys) picked[key] = resolved[key];
  return picked as Pick<ResolvedLoadOptions, K>;
}

/** The resolved values of some options, as loadPlugin options again (undefined ones left out). */
export function pickDefined<K extends ResolvedKey & keyof LoadPluginOptions>(
  resolved: ResolvedLoadOptions,
  keys: readonly K[],
): Pick<LoadPluginOptions, K> {
  const picked: Partial<Record<K, unknown>> = {};
  for (const key of keys) if (resolved[key] !== undefined) picked[key] = resolved[key];
  return picked as Pick<LoadPluginOptions, K>;
}
