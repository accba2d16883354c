import { isPluginError, PLUGIN_ERROR_CODES, type PluginErrorCode } from '../errors.js';

/**
 * Whose failure an error code reports:
 * - `fault`: the plugin's code misbehaved on a call: it crashed, hung, trapped, ran out of
 *   memory, broke the ABI, produced more output than the host's limit, or failed to (re)start.
 *   The circuit breaker counts these, and so does a canary.
 * - `build`: the artifact is not a working plugin (found while loading or validating it).
 * - `circuit`: the breaker failed the call fast after repeated faults of this build.
 * - `answer`: the plugin answered with its own error (PLUGIN_CALL_FAILED): working as designed.
 * - `caller`: the caller's input or options, or the caller gave up (cancelled).
 * - `capacity`: a full queue, or a plugin larger than the memory budget: this host's limits,
 *   not a fault of the build.
 * - `lifecycle`: a swap, a close, a name or version that is not there.
 */
export type FaultClass =
  | 'fault'
  | 'build'
  | 'circuit'
  | 'answer'
  | 'caller'
  | 'capacity'
  | 'lifecycle';

/**
 * The one classification of every error code, which the breaker and a server's canary both
 * read. A Record, so that a new code does not compile until it is classified.
 *
 * @example
 * if (FAULT_CLASS[error.code] === 'fault') logger.error(error); else logger.info(error);
 */
export const FAULT_CLASS: Readonly<Record<PluginErrorCode, FaultClass>> = {
  PLUGIN_INVALID_OPTIONS: 'caller',
  PLUGIN_INVALID_INPUT: 'caller',
  PLUGIN_LOAD_FAILED: 'fault',
  PLUGIN_FORMAT_INVALID: 'build',
  PLUGIN_PLATFORM_MISMATCH: 'build',
  PLUGIN_HASH_MISMATCH: 'build',
  PLUGIN_ABI_MISMATCH: 'build',
  PLUGIN_INFO_INVALID: 'build',
  PLUGIN_EXPORT_MISSING: 'build',
  PLUGIN_IMPORT_UNSUPPORTED: 'build',
  // The module asks for more than it was granted: the build (or its grants) is wrong.
  PLUGIN_CAPABILITY_DENIED: 'build',
  PLUGIN_INIT_FAILED: 'fault',
  PLUGIN_CALL_FAILED: 'answer',
  PLUGIN_ABI_VIOLATION: 'fault',
  // Runaway output is the build's, as running into the memory cap is: both are host limits the
  // plugin went past (the breaker once counted it as an answer, the canary as a fault).
  PLUGIN_OUTPUT_TOO_LARGE: 'fault',
  PLUGIN_TRAPPED: 'fault',
  PLUGIN_MEMORY_LIMIT: 'fault',
  // proc_exit ends a call as a trap does; the instance is re-created.
  PLUGIN_EXITED: 'fault',
  // The embedding application's host function called back in: the caller's mistake.
  PLUGIN_REENTRANT_CALL: 'caller',
  PLUGIN_CLOSED: 'lifecycle',
  PLUGIN_CASES_INVALID: 'caller',
  PLUGIN_CONFLICT: 'lifecycle',
  PLUGIN_NOT_FOUND: 'lifecycle',
  PLUGIN_VERSION_REFUSED: 'lifecycle',
  PLUGIN_NAME_MISMATCH: 'build',
  PLUGIN_SELF_TEST_FAILED: 'build',
  PLUGIN_DRAIN_TIMEOUT: 'lifecycle',
  PLUGIN_ROLLBACK_UNAVAILABLE: 'lifecycle',
  PLUGIN_VERSION_WITHDRAWN: 'lifecycle',
  PLUGIN_MANIFEST_INVALID: 'caller',
  PLUGIN_INPUT_TOO_LARGE: 'caller',
  PLUGIN_TIMEOUT: 'fault',
  PLUGIN_CRASHED: 'fault',
  PLUGIN_UNAVAILABLE: 'circuit',
  PLUGIN_OVERLOADED: 'capacity',
  PLUGIN_CANCELLED: 'caller',
  // Larger than the registry's whole memory budget: a capacity limit of this host, like a full queue.
  PLUGIN_OVER_BUDGET: 'capacity',
};

/**
 * The codes the circuit breaker counts: the `fault` class of {@link FAULT_CLASS}.
 *
 * @example
 * if (FAULT_CODES.has(error.code)) logger.error(error); else logger.info(error);
 */
export const FAULT_CODES: ReadonlySet<PluginErrorCode> = new Set(
  PLUGIN_ERROR_CODES.filter((code) => FAULT_CLASS[code] === 'fault'),
);

/**
 * True for a PluginError that is a plugin fault (see {@link FAULT_CODES}), the kind the circuit
 * breaker counts.
 *
 * @example
 * try { await plugin.processData(input) } catch (error) { if (isPluginFault(error)) alert(error) }
 */
export function isPluginFault(error: unknown): boolean {
  return isPluginError(error) && FAULT_CODES.has(error.code);
}

/**
 * True when a failed call is the build's doing (a fault, a broken artifact, an open circuit):
 * what a canary counts against a new version. A superset of {@link FAULT_CODES}.
 *
 * @example
 * if (blamesBuild(error.code)) canaryWindow.record(true);
 */
export function blamesBuild(code: PluginErrorCode): boolean {
  const kind = FAULT_CLASS[code];
  return kind === 'fault' || kind === 'build' || kind === 'circuit';
}
