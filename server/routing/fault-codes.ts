import type { PluginErrorCode } from '../../runtime/index.js';

/**
 * Which failed calls count against a canary. Faults of the plugin's build count: traps, memory
 * blow-ups, ABI violations, runaway output (and, with isolation, crashes, timeouts and an open
 * circuit). A plugin-reported business error (PLUGIN_CALL_FAILED: "invalid order") does not:
 * it is the plugin working as designed on bad input, and the previous version would say the
 * same. Swap mechanics (closed, drain timeout), caller mistakes (input too large) and load (a full
queue) do not count either. Typed
 * as a Record so that a new error code does not compile until it is classified.
 */
export const COUNTS_AGAINST_CANARY: Readonly<Record<PluginErrorCode, boolean>> = {
  PLUGIN_INVALID_OPTIONS: false,
  PLUGIN_INVALID_INPUT: false,
  PLUGIN_LOAD_FAILED: true,
  PLUGIN_FORMAT_INVALID: true,
  PLUGIN_PLATFORM_MISMATCH: true,
  PLUGIN_HASH_MISMATCH: true,
  PLUGIN_ABI_MISMATCH: true,
  PLUGIN_INFO_INVALID: true,
  PLUGIN_EXPORT_MISSING: true,
  PLUGIN_IMPORT_UNSUPPORTED: true,
  PLUGIN_INIT_FAILED: true,
  PLUGIN_CALL_FAILED: false,
  PLUGIN_ABI_VIOLATION: true,
  PLUGIN_OUTPUT_TOO_LARGE: true,
  PLUGIN_TRAPPED: true,
  PLUGIN_MEMORY_LIMIT: true,
  PLUGIN_CLOSED: false,
  PLUGIN_CASES_INVALID: false,
  PLUGIN_CONFLICT: false,
  PLUGIN_NOT_FOUND: false,
  PLUGIN_VERSION_REFUSED: false,
  PLUGIN_NAME_MISMATCH: true,
  PLUGIN_SELF_TEST_FAILED: true,
  PLUGIN_DRAIN_TIMEOUT: false,
  PLUGIN_ROLLBACK_UNAVAILABLE: false,
  PLUGIN_MANIFEST_INVALID: false,
  PLUGIN_INPUT_TOO_LARGE: false,
  PLUGIN_TIMEOUT: true,
  PLUGIN_CANCELLED: false,
  PLUGIN_CRASHED: true,
  // An open circuit: the breaker saw this build fault repeatedly.
  PLUGIN_UNAVAILABLE: true,
  // A full queue is load, not a fault of the build.
  PLUGIN_OVERLOADED: false,
};
