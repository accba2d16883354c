import type { ArtifactFormat } from './artifact-format.js';
import type { HostStats } from './host/plugin-host.js';
import type { Isolation } from './options.js';

/** Which backend runs a plugin. */
export type Backend = 'native' | 'wasm';

/** What a plugin says about itself through its PluginInfo export. */
export interface PluginInfo {
  readonly name: string;
  /** Semantic version, e.g. "1.2.0". */
  readonly version: string;
  /** Always 1: other ABI versions are refused at load. */
  readonly abi: 1;
  readonly description: string;
}

/** Where a plugin came from: enough to tell two builds apart. */
export interface ArtifactIdentity {
  /** The path it was loaded from, or undefined when loaded from bytes. */
  readonly path: string | undefined;
  readonly format: ArtifactFormat;
  /** Lower-case hex sha256 of the artifact's bytes. */
  readonly sha256: string;
  readonly size: number;
}

/** Options of one call. */
export interface CallOptions {
  /**
   * Aborting it ends the call with PLUGIN_CANCELLED: a queued call is dropped; a call running in
   * a worker or child process is ended and its worker or child replaced; a metered Wasm call
   * in-process traps at its next deadline check. A native in-process call that has started
   * cannot be interrupted and runs to its end. An already aborted signal fails the call before
   * it starts.
   */
  readonly signal?: AbortSignal;
}

/**
 * The one plugin contract: bytes in, bytes out, whatever the backend.
 *
 * @example
 * const plugin = await loadPlugin('build/plugins/upper/upper.wasm');
 * const out = await plugin.processData(new TextEncoder().encode('hello')); // "HELLO"
 * await plugin.close();
 */
export interface Plugin {
  readonly info: PluginInfo;
  readonly backend: Backend;
  readonly artifact: ArtifactIdentity;
  /** The ABI exports this artifact provides (ProcessData, PluginInfo, Initialize, Cleanup...). */
  readonly exports: readonly string[];
  /** Where the plugin's code runs: this thread, a worker thread, or a child process. */
  readonly isolation: Isolation;
  /** True once close() has been called. */
  readonly closed: boolean;
  /**
   * Runs ProcessData. Rejects with a PluginError: PLUGIN_CALL_FAILED (with `pluginCode`) when the
   * plugin reports an error, PLUGIN_CLOSED after close(), and the codes in errors.ts otherwise.
   */
  processData(input: Uint8Array, options?: CallOptions): Promise<Uint8Array>;
  /**
   * In-process plugins only: runs ProcessData on this thread and returns its output, or throws
   * the PluginError processData would reject with; no promise per call (the fast path for
   * callers making many small calls). A plugin in a worker or process, or one whose circuit is
   * open, throws PLUGIN_INVALID_OPTIONS or PLUGIN_UNAVAILABLE instead.
   *
   * @example
   * const plugin = await loadPlugin('build/plugins/upper/upper.so');
   * const out = plugin.processDataSync(new TextEncoder().encode('hello')); // "HELLO"
   */
  processDataSync(input: Uint8Array): Uint8Array;
  /** A snapshot of the guard's and the isolation's state, for health checks and operators. */
  stats(): PluginStats;
  /** Waits for calls in flight, calls Cleanup, unloads. Safe to call more than once. */
  close(): Promise<void>;
}

/** What {@link Plugin.stats} reports. */
export interface PluginStats {
  readonly isolation: Isolation;
  /** The circuit breaker: `open` while calls fail fast with PLUGIN_UNAVAILABLE; `off` when disabled. */
  readonly circuit: 'closed' | 'open' | 'half-open' | 'off';
  /** Calls accepted and not yet settled, the queued ones included. */
  readonly inFlight: number;
  /** Calls waiting for a free worker or child process. */
  readonly queued: number;
  /** How often a worker or child process was replaced after a crash or a timeout. */
  readonly restarts: number;
  /** The ids of the plugin's child processes (process isolation), empty otherwise. */
  readonly pids: readonly number[];
  /** The host API's counters (log lines written, dropped and truncated, kv use, host calls); undefined for a plugin granted nothing. */
  readonly host: HostStats | undefined;
  /**
   * What the plugin holds, in bytes, as the memory budget counts it: a Wasm instance's linear
   * memory (in this thread), the resident set of its child processes (Linux), else an estimate
   * (the artifact's size plus {@link MEMORY_ESTIMATE_OVERHEAD}): a native library in this
   * process, or Wasm in a worker thread, whose memory the host cannot see.
   */
  readonly memoryBytes: number;
}
