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
export { type ArtifactReport, inspectArtifact, loadPlugin } from './load-plugin.js';
export { sha256Hex } from './loaded-artifact.js';
export {
  type CallingConvention,
  DEFAULT_MAX_MEMORY_PAGES,
  DEFAULT_MAX_OUTPUT_BYTES,
  encodeConfig,
  type LoadPluginOptions,
  type PluginConfig,
} from './options.js';
export type { ArtifactIdentity, Backend, Plugin, PluginInfo } from './plugin.js';
export {
  DEFAULT_PREFERENCE,
  deployArtifact,
  type FolderEvent,
  type PluginFolder,
  type PluginFolderOptions,
  type PluginManifest,
  parseManifest,
  watchPluginFolder,
} from './plugin-folder/index.js';
export { ABI_VERSION, isSemver, isValidPluginName } from './plugin-info.js';
export {
  type CloseReason,
  createRegistry,
  DEFAULT_DRAIN_TIMEOUT_MS,
  DEFAULT_RETENTION_MS,
  type FailedStage,
  type PluginLoader,
  type PluginRegistry,
  type PluginSource,
  type RegisterResult,
  type RegistryEvent,
  type RegistryEventType,
  type RegistryOptions,
  type SlotSnapshot,
  type VersionSnapshot,
  type VersionState,
  type VersionTarget,
} from './registry/index.js';
