import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type BreakerOptions,
  checkIsolationChoice,
  type IsolationChoice,
  type ResolvedBreakerOptions,
  resolveLimits,
} from './guard-options.js';
import { invalidOptions, positiveInteger } from './option-checks.js';
import type { Backend } from './plugin.js';

export type CallingConvention = 'cdecl' | 'stdcall';
export {
  type BreakerOptions,
  DEFAULT_BREAKER,
  DEFAULT_LOAD_TIMEOUT_MS,
  DEFAULT_MAX_INPUT_BYTES,
  DEFAULT_MAX_QUEUED_CALLS,
  DEFAULT_TIMEOUT_MS,
  GUARD_LOAD_KEYS,
  type GuardLoadOptions,
  ISOLATED_MODES,
  type Isolation,
  type IsolationByBackend,
  type IsolationChoice,
  type ResolvedBreakerOptions,
  resolveIsolation,
} from './guard-options.js';

/** A JSON value given as config is serialised with JSON.stringify before Initialize sees it. */
export type PluginConfig =
  | Uint8Array
  | string
  | { readonly [key: string]: unknown }
  | readonly unknown[];

/** Options for {@link loadPlugin}. Give exactly one of `path` and `bytes`. */
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
   * Wasm only: compile a deadline check into the module (default true), so that an in-process
   * call past `timeoutMs`, or one whose `signal` aborts, is stopped with PLUGIN_TIMEOUT or
   * PLUGIN_CANCELLED and the next call gets a fresh instance. See docs/isolation.md.
   */
  metering?: boolean;
  /** Native only: calling convention of the exports (default cdecl; stdcall matters on 32-bit Windows). */
  callingConvention?: CallingConvention;
  /** Native only: where shadow copies are written (default: <tmpdir>/twinplug-shadow). */
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
  /** The circuit breaker's settings, or false to turn it off. */
  breaker?: BreakerOptions | false;
  /** Process only: receives the child's stdout and stderr, bounded (default: this process's stderr). */
  onStderr?: (text: string) => void;
}

export interface ResolvedLoadOptions {
  readonly source:
    | { readonly path: string }
    | { readonly bytes: Uint8Array; readonly fileName: string };
  readonly backend: Backend | 'auto';
  readonly sha256: string | undefined;
  readonly config: Uint8Array;
  readonly maxOutputBytes: number;
  readonly maxMemoryPages: number;
  readonly metering: boolean;
  readonly callingConvention: CallingConvention;
  readonly shadowDir: string;
  readonly dependencyDir: string | undefined;
  /** As given: the default depends on the artifact's backend, see {@link resolveIsolation}. */
  readonly isolation: IsolationChoice | undefined;
  readonly timeoutMs: number;
  readonly loadTimeoutMs: number;
  readonly maxInputBytes: number;
  readonly concurrency: number;
  readonly maxQueuedCalls: number;
  readonly breaker: ResolvedBreakerOptions | undefined;
  readonly onStderr: ((text: string) => void) | undefined;
  /** Which options the caller set, for the checks that need the artifact's backend. */
  readonly given: ReadonlySet<keyof LoadPluginOptions>;
}

/** Largest output a call may produce unless `maxOutputBytes` says otherwise (64 MiB). */
export const DEFAULT_MAX_OUTPUT_BYTES = 64 * 1024 * 1024;
export const DEFAULT_MAX_MEMORY_PAGES = 4096;
const WASM_MAX_PAGES = 65536;

export function encodeConfig(config: PluginConfig | undefined): Uint8Array {
  if (config === undefined) return new Uint8Array(0);
  if (config instanceof Uint8Array) return config;
  if (typeof config === 'string') return new TextEncoder().encode(config);
  return new TextEncoder().encode(JSON.stringify(config));
}

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

function checkBackendOptions(options: LoadPluginOptions, backend: Backend | 'auto'): void {
  if (backend !== 'auto' && backend !== 'native' && backend !== 'wasm') {
    throw invalidOptions(`"backend" must be auto, native or wasm, got ${String(backend)}`);
  }
  if (
    backend === 'wasm' &&
    (options.callingConvention !== undefined ||
      options.shadowDir !== undefined ||
      options.dependencyDir !== undefined)
  ) {
    throw invalidOptions(
      '"callingConvention", "shadowDir" and "dependencyDir" apply to the native backend only',
    );
  }
  const { dependencyDir } = options;
  if (dependencyDir !== undefined && (typeof dependencyDir !== 'string' || dependencyDir === ''))
    throw invalidOptions('"dependencyDir" must be a non-empty string');
  if (
    backend === 'native' &&
    (options.maxMemoryPages !== undefined || options.metering !== undefined)
  ) {
    throw invalidOptions('"maxMemoryPages" and "metering" apply to the wasm backend only');
  }
  if (options.metering !== undefined && typeof options.metering !== 'boolean')
    throw invalidOptions('"metering" must be true or false');
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
  const backend = options.backend ?? 'auto';
  checkBackendOptions(options, backend);
  const convention = options.callingConvention ?? 'cdecl';
  if (convention !== 'cdecl' && convention !== 'stdcall') {
    throw invalidOptions(`"callingConvention" must be cdecl or stdcall, got ${String(convention)}`);
  }
  const sha256 = options.sha256?.toLowerCase();
  if (sha256 !== undefined && !/^[0-9a-f]{64}$/.test(sha256))
    throw invalidOptions('"sha256" must be 64 hex digits');
  if (options.onStderr !== undefined && typeof options.onStderr !== 'function')
    throw invalidOptions('"onStderr" must be a function');
  return {
    source: resolveSource(options),
    backend,
    sha256,
    config: encodeConfig(options.config),
    maxOutputBytes: positiveInteger(
      options.maxOutputBytes,
      'maxOutputBytes',
      DEFAULT_MAX_OUTPUT_BYTES,
      2 ** 32 - 1,
    ),
    maxMemoryPages: positiveInteger(
      options.maxMemoryPages,
      'maxMemoryPages',
      DEFAULT_MAX_MEMORY_PAGES,
      WASM_MAX_PAGES,
    ),
    metering: options.metering !== false,
    callingConvention: convention,
    shadowDir: options.shadowDir ?? join(tmpdir(), 'twinplug-shadow'),
    dependencyDir: options.dependencyDir,
    isolation: options.isolation,
    ...resolveLimits(options),
    onStderr: options.onStderr,
    given: new Set(
      (Object.keys(options) as (keyof LoadPluginOptions)[]).filter(
        (key) => options[key] !== undefined,
      ),
    ),
  };
}
