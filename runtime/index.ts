/**
 * twinplug's runtime: one plugin contract (ProcessData, bytes in and bytes out) over native
 * libraries and Wasm modules. This file is the runtime's only public entry; `server/` and
 * `conformance/` import from here and nowhere else.
 *
 * @example
 * import { loadPlugin, isPluginError } from 'twinplug';
 * const plugin = await loadPlugin('build/plugins/crc32/crc32.wasm');
 * const crc = await plugin.processData(new TextEncoder().encode('123456789')); // cb f4 39 26
 */
export {
  type ArtifactFormat,
  type ArtifactHeader,
  platformMismatch,
  readArtifactHeader,
} from './artifact-format.js';
export {
  type CallOutcome,
  type CaseExpectation,
  type CaseFile,
  type CaseResult,
  callOutcome,
  checkOutcome,
  decodeBytes,
  decodeConfig,
  type PluginCase,
  parseCaseFile,
  readCaseFile,
  runCases,
} from './cases/index.js';
export {
  isPluginError,
  PLUGIN_ERROR_CODES,
  PluginError,
  type PluginErrorCode,
  type PluginErrorOptions,
  type SerializedPluginError,
} from './errors.js';
export { FAULT_CODES, isPluginFault } from './guard/circuit.js';
export { type ArtifactReport, inspectArtifact, loadPlugin } from './load-plugin.js';
export { sha256Hex } from './loaded-artifact.js';
export {
  type BreakerOptions,
  type CallingConvention,
  DEFAULT_BREAKER,
  DEFAULT_LOAD_TIMEOUT_MS,
  DEFAULT_MAX_INPUT_BYTES,
  DEFAULT_MAX_MEMORY_PAGES,
  DEFAULT_MAX_OUTPUT_BYTES,
  DEFAULT_MAX_QUEUED_CALLS,
  DEFAULT_TIMEOUT_MS,
  encodeConfig,
  type Isolation,
  type LoadPluginOptions,
  type PluginConfig,
} from './options.js';
export type { ArtifactIdentity, Backend, Plugin, PluginInfo, PluginStats } from './plugin.js';
export { ABI_VERSION, isSemver, isValidPluginName } from './plugin-info.js';
