import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PluginError } from './errors.js';
import type { Backend } from './plugin.js';

export type CallingConvention = 'cdecl' | 'stdcall';

/**
 * Where a plugin's code runs. `in-process`: on the calling thread (fastest; an endless loop or a
 * native crash takes the host down). `worker`: Wasm in a worker thread (timeouts, memory caps).
 * `process`: in a child process (native crashes cost a restart, not the host).
 */
export type Isolation = 'in-process' | 'worker' | 'process';

/** The circuit breaker of one loaded plugin (one version): see docs/isolation.md. */
export interface BreakerOptions {
  /** Fraction of faulted calls in the window above which the circuit opens (default 0.5). */
  threshold?: number;
  /** How many of the latest calls the window holds (default 10). */
  window?: number;
  /** How long the circuit stays open before one probe call is let through (default 1000 ms). */
  openMs?: number;
}

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
  /** Native only: calling convention of the exports (default cdecl; stdcall matters on 32-bit Windows). */
  callingConvention?: CallingConvention;
  /** Native only: where shadow copies are written (default: <tmpdir>/twinplug-shadow). */
  shadowDir?: string;
  /** Where the plugin runs (default `in-process`); `worker` is for Wasm only. */
  isolation?: Isolation;
  /** Worker and process only: a call (or a load) past this is PLUGIN_TIMEOUT (default 10 s). */
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

export interface ResolvedBreakerOptions {
  readonly threshold: number;
  readonly window: number;
  readonly openMs: number;
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
  readonly callingConvention: CallingConvention;
  readonly shadowDir: string;
  /** As given: the default depends on the artifact's backend, see {@link resolveIsolation}. */
  readonly isolation: Isolation | undefined;
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
/** Largest input a call may pass unless `maxInputBytes` says otherwise (64 MiB). */
export const DEFAULT_MAX_INPUT_BYTES = 64 * 1024 * 1024;
/**
 * A worker or process call's time limit unless `timeoutMs` says otherwise (10 s).
 *
 * @example
 * const plugin = await loadPlugin({ path: 'x.wasm', isolation: 'worker', timeoutMs: DEFAULT_TIMEOUT_MS / 10 });
 */
export const DEFAULT_TIMEOUT_MS = 10_000;
/** How long starting a worker or child and loading the plugin in it may take (10 s). */
export const DEFAULT_LOAD_TIMEOUT_MS = 10_000;
/** Calls that may wait for a busy isolated plugin before PLUGIN_OVERLOADED (100). */
export const DEFAULT_MAX_QUEUED_CALLS = 100;
/**
 * The circuit breaker's defaults: open when more than half of the last 10 calls faulted, for
 * 1 s, then let one probe call through.
 *
 * @example
 * const plugin = await loadPlugin({ path: 'x.so', isolation: 'process', breaker: { ...DEFAULT_BREAKER, openMs: 5000 } });
 */
export const DEFAULT_BREAKER: ResolvedBreakerOptions = { threshold: 0.5, window: 10, openMs: 1000 };
const MAX_CONCURRENCY = 64;
const ISOLATIONS: readonly Isolation[] = ['in-process', 'worker', 'process'];
export const DEFAULT_MAX_MEMORY_PAGES = 4096;
const WASM_MAX_PAGES = 65536;

function invalidOptions(message: string): PluginError {
  return new PluginError('PLUGIN_INVALID_OPTIONS', message);
}

function positiveInteger(
  value: number | undefined,
  name: string,
  fallback: number,
  max: number,
): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 1 || value > max) {
    throw invalidOptions(`"${name}" must be an integer from 1 to ${max}, got ${String(value)}`);
  }
  return value;
}

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

function resolveBreaker(breaker: BreakerOptions | false | undefined) {
  if (breaker === false) return undefined;
  if (breaker === undefined) return DEFAULT_BREAKER;
  if (typeof breaker !== 'object' || breaker === null)
    throw invalidOptions('"breaker" must be an object or false');
  const threshold = breaker.threshold ?? DEFAULT_BREAKER.threshold;
  if (typeof threshold !== 'number' || !(threshold > 0 && threshold < 1)) {
    throw invalidOptions(
      `"breaker.threshold" must be above 0 and below 1, got ${String(threshold)}`,
    );
  }
  return {
    threshold,
    window: positiveInteger(breaker.window, 'breaker.window', DEFAULT_BREAKER.window, 10_000),
    openMs: positiveInteger(breaker.openMs, 'breaker.openMs', DEFAULT_BREAKER.openMs, 2 ** 31 - 1),
  };
}

function checkBackendOptions(options: LoadPluginOptions, backend: Backend | 'auto'): void {
  if (backend !== 'auto' && backend !== 'native' && backend !== 'wasm') {
    throw invalidOptions(`"backend" must be auto, native or wasm, got ${String(backend)}`);
  }
  if (
    backend === 'wasm' &&
    (options.callingConvention !== undefined || options.shadowDir !== undefined)
  ) {
    throw invalidOptions('"callingConvention" and "shadowDir" apply to the native backend only');
  }
  if (backend === 'native' && options.maxMemoryPages !== undefined) {
    throw invalidOptions('"maxMemoryPages" applies to the wasm backend only');
  }
  const isolation = options.isolation;
  if (isolation !== undefined && !ISOLATIONS.includes(isolation)) {
    throw invalidOptions(
      `"isolation" must be one of ${ISOLATIONS.join(', ')}, got ${String(isolation)}`,
    );
  }
  if (isolation !== undefined)
    checkIsolation(isolation, backend, (name) => options[name] !== undefined);
}

/**
 * The combinations no backend can honour. `worker` runs Wasm only: a native call cannot be
 * interrupted in a thread, and a native crash would still take the whole process. An
 * in-process call cannot be interrupted either, so a timeout or concurrency needs isolation.
 */
function checkIsolation(
  isolation: Isolation,
  backend: Backend | 'auto',
  isGiven: (name: 'timeoutMs' | 'loadTimeoutMs' | 'concurrency') => boolean,
): void {
  if (isolation === 'worker' && backend === 'native') {
    throw invalidOptions('isolation "worker" runs Wasm only; use "process" for a native library');
  }
  if (isolation !== 'in-process') return;
  for (const name of ['timeoutMs', 'loadTimeoutMs', 'concurrency'] as const) {
    if (isGiven(name))
      throw invalidOptions(
        `"${name}" needs isolation "worker" or "process": an in-process call cannot be interrupted`,
      );
  }
}

function resolveLimits(options: LoadPluginOptions) {
  return {
    timeoutMs: positiveInteger(options.timeoutMs, 'timeoutMs', DEFAULT_TIMEOUT_MS, 2 ** 31 - 1),
    loadTimeoutMs: positiveInteger(
      options.loadTimeoutMs,
      'loadTimeoutMs',
      DEFAULT_LOAD_TIMEOUT_MS,
      2 ** 31 - 1,
    ),
    maxInputBytes: positiveInteger(
      options.maxInputBytes,
      'maxInputBytes',
      DEFAULT_MAX_INPUT_BYTES,
      2 ** 32 - 1,
    ),
    concurrency: positiveInteger(options.concurrency, 'concurrency', 1, MAX_CONCURRENCY),
    maxQueuedCalls:
      options.maxQueuedCalls === 0
        ? 0
        : positiveInteger(
            options.maxQueuedCalls,
            'maxQueuedCalls',
            DEFAULT_MAX_QUEUED_CALLS,
            1_000_000,
          ),
    breaker: resolveBreaker(options.breaker),
  };
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
    callingConvention: convention,
    shadowDir: options.shadowDir ?? join(tmpdir(), 'twinplug-shadow'),
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

/**
 * The isolation a plugin runs in, once its artifact's backend is known: the one asked for, or
 * `in-process` (the library default; the plugin-folder registry defaults to isolated modes).
 * Refuses what cannot work with this backend, with PLUGIN_INVALID_OPTIONS.
 */
export function resolveIsolation(options: ResolvedLoadOptions, backend: Backend): Isolation {
  const isolation = options.isolation ?? 'in-process';
  checkIsolation(isolation, backend, (name) => options.given.has(name));
  if (isolation !== 'process' && options.onStderr !== undefined)
    throw invalidOptions('"onStderr" applies to isolation "process" only');
  return isolation;
}
