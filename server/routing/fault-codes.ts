import { blamesBuild, PLUGIN_ERROR_CODES, type PluginErrorCode } from '../../runtime/index.js';

/**
 * Which failed calls count against a canary: read from the runtime's one classification
 * (FAULT_CLASS), so the canary and the circuit breaker cannot disagree. The build's faults, a
 * broken artifact and an open circuit count; a plugin-reported business error, swap mechanics,
 * caller mistakes and a full queue do not.
 */
export const COUNTS_AGAINST_CANARY: Readonly<Record<PluginErrorCode, boolean>> = Object.fromEntries(
  PLUGIN_ERROR_CODES.map((code) => [code, blamesBuild(code)]),
) as Record<PluginErrorCode, boolean>;
