// The options that decide where a plugin runs and how its guard limits it: resolved with the
// rest in resolveLoadOptions (options.ts), once, before any backend runs.
import { invalidOptions, positiveInteger } from './option-checks.js';
import type { ResolvedLoadOptions } from './options.js';
import type { Backend } from './plugin.js';

/**
 * Where a plugin's code runs. `in-process`: on the calling thread (fastest; an endless loop or a
 * native crash takes the host down). `worker`: Wasm in a worker thread (timeouts, memory caps).
 * `process`: in a child process (native crashes cost a restart, not the host).
 */
export type Isolation = 'in-process' | 'worker' | 'process';

/**
 * An isolation per backend, for options one plugin's twins share (a folder's `.wasm` and `.so`):
 * the artifact that loads decides which applies; a backend left out runs in-process.
 */
export interface IsolationByBackend {
  readonly wasm?: Isolation;
  readonly native?: Isolation;
}

/** What `isolation` takes: one mode, or one per backend. */
export type IsolationChoice = Isolation | IsolationByBackend;

/**
 * The isolated modes: Wasm in a worker, native in a child process, each ended and replaced on a
 * timeout or a crash.
 *
 * @example
 * const plugin = await loadPlugin({ path, isolation: ISOLATED_MODES }); // worker or process, by artifact
 */
export const ISOLATED_MODES: IsolationByBackend = Object.freeze({
  wasm: 'worker',
  native: 'process',
});

/**
 * Where a plugin dropped into a watched folder runs unless its plugin.json says otherwise: Wasm
 * metered in-process (an endless loop is PLUGIN_TIMEOUT, memory is capped, traps are caught, at
 * in-process speed), a native library in a child process (a crash costs a restart, not the
 * host). plugin.json may ask for `worker` (a second core for CPU-heavy Wasm) or `process`.
 *
 * @example
 * const plugin = await loadPlugin({ path, isolation: FOLDER_ISOLATION }); // as a watched folder would
 */
export const FOLDER_ISOLATION: IsolationByBackend = Object.freeze({
  wasm: 'in-process',
  native: 'process',
});

/** The circuit breaker of one loaded plugin (one version): see docs/isolation.md. */
export interface BreakerOptions {
  /** Fraction of faulted calls in the window above which the circuit opens (default 0.5). */
  threshold?: number;
  /** How many of the latest calls the window holds (default 10). */
  window?: number;
  /** How long the circuit stays open before one probe call is let through (default 1000 ms). */
  openMs?: number;
}

export interface ResolvedBreakerOptions {
  readonly threshold: number;
  readonly window: number;
  readonly openMs: number;
}

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

export const ISOLATIONS: readonly Isolation[] = ['in-process', 'worker', 'process'];
/** Checks `breaker` and fills its defaults; undefined when it is turned off. */
export function resolveBreaker(breaker: BreakerOptions | false | undefined) {
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

/** The options that need a worker or a child: an in-process call is neither interrupted nor queued. */
const ISOLATED_ONLY = ['timeoutMs', 'loadTimeoutMs', 'concurrency', 'queueTimeoutMs'] as const;
type IsolatedOnly = (typeof ISOLATED_ONLY)[number];

/**
 * The combinations no backend can honour. `worker` runs Wasm only: a native call cannot be
 * interrupted in a thread, and a native crash would still take the whole process. An
 * in-process call cannot be interrupted either, so a timeout or concurrency needs isolation.
 */
export function checkIsolation(
  isolation: Isolation,
  backend: Backend | 'auto',
  isGiven: (name: IsolatedOnly) => boolean,
  metering: boolean,
): void {
  if (isolation === 'worker' && backend === 'native') {
    throw invalidOptions('isolation "worker" runs Wasm only; use "process" for a native library');
  }
  if (isolation !== 'in-process') return;
  for (const name of ISOLATED_ONLY) {
    // A metered Wasm call checks its own deadline: timeoutMs holds in-process.
    if (name === 'timeoutMs' && metering && backend !== 'native') continue;
    if (isGiven(name))
      throw invalidOptions(
        `"${name}" needs isolation "worker" or "process": an in-process call is neither interrupted nor queued`,
      );
  }
}

function checkMode(mode: unknown, name: string): asserts mode is Isolation {
  if (!ISOLATIONS.includes(mode as Isolation))
    throw invalidOptions(`"${name}" must be one of ${ISOLATIONS.join(', ')}, got ${String(mode)}`);
}

/** Checks `isolation` as given, and against the backend when the options name one. */
export function checkIsolationChoice(
  choice: unknown,
  backend: Backend | 'auto',
  isGiven: (name: IsolatedOnly) => boolean,
  metering: boolean,
): void {
  if (typeof choice === 'string') {
    checkMode(choice, 'isolation');
    checkIsolation(choice, backend, isGiven, metering);
    return;
  }
  if (typeof choice !== 'object' || choice === null || Array.isArray(choice))
    throw invalidOptions('"isolation" must be a mode or { wasm, native }');
  for (const [key, mode] of Object.entries(choice)) {
    if (key !== 'wasm' && key !== 'native')
      throw invalidOptions(`"isolation" takes the keys wasm and native, not "${key}"`);
    if (mode !== undefined) checkMode(mode, `isolation.${key}`);
  }
  const byBackend = choice as IsolationByBackend;
  if (byBackend.native === 'worker') checkIsolation('worker', 'native', isGiven, metering);
  if (backend !== 'auto')
    checkIsolation(byBackend[backend] ?? 'in-process', backend, isGiven, metering);
}

/**
 * The isolation a plugin runs in, once its artifact's backend is known: the one asked for, or
 * `in-process` (the library default; the plugin-folder registry defaults to isolated modes).
 * Refuses what cannot work with this backend, with PLUGIN_INVALID_OPTIONS.
 */
export function resolveIsolation(options: ResolvedLoadOptions, backend: Backend): Isolation {
  const choice = options.isolation;
  const isolation = (typeof choice === 'string' ? choice : choice?.[backend]) ?? 'in-process';
  checkIsolation(isolation, backend, (name) => options.given.has(name), options.metering);
  if (isolation !== 'process' && options.onStderr !== undefined)
    throw invalidOptions('"onStderr" applies to isolation "process" only');
  return isolation;
}
