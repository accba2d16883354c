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
  COMPARATOR_KINDS,
  type ComparatorKind,
  type ComparatorSpec,
  type ComparatorSpecProblem,
  callOutcome,
  checkOutcome,
  type DecoderSpec,
  decimalValue,
  decodeBytes,
  decodeConfig,
  describeComparator,
  EXACT,
  JSON_NUMBER_MODES,
  type JsonNumberMode,
  jsonDifference,
  type PluginCase,
  parseCaseFile,
  parseComparatorFlag,
  parseComparatorSpec,
  parseJsonBytes,
  type RunCasesOptions,
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
export { readFileVersion } from './file-version.js';
export {
  blamesBuild,
  FAULT_CLASS,
  FAULT_CODES,
  type FaultClass,
  isPluginFault,
} from './guard/fault-class.js';
export {
  HOST_API_V1,
  HOST_MODULE,
  type HostFunctionName,
  type HostOp,
  LOG_LEVELS,
  type LogLevel,
  TP_STATUS,
} from './host/api.js';
export { FIXED_CLOCK_START_NS } from './host/entropy.js';
export {
  type Capabilities,
  DEFAULT_HOST_CALLS,
  DEFAULT_KV,
  DEFAULT_LOG,
  type DeterministicOptions,
} from './host/grants.js';
export type { HostCallRecord, HostFunction, HostStats, LogEntry } from './host/plugin-host.js';
export { type ArtifactReport, inspectArtifact, loadPlugin } from './load-plugin.js';
export { sha256Hex } from './loaded-artifact.js';
export {
  describeNativeFile,
  type NativeFileReport,
  readNativeExports,
} from './native-exports/index.js';
export { type AdapterSuggestion, suggestAdapter } from './native-exports/suggest-adapter.js';
export {
  type AdapterInfo,
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
  FOLDER_ISOLATION,
  FUNCTION_CONVENTIONS,
  type FunctionConvention,
  type FunctionsAdapter,
  type IModuleAdapter,
  ISOLATED_MODES,
  type Isolation,
  type IsolationByBackend,
  type IsolationChoice,
  type LoadPluginOptions,
  type NativeAdapter,
  type PluginConfig,
} from './options.js';
export type {
  ArtifactIdentity,
  Backend,
  CallOptions,
  Plugin,
  PluginInfo,
  PluginStats,
} from './plugin.js';
/**
 * Hot swap. A registry holds named plugins; each call takes a lease on the version active when
 * it starts and finishes there, while `register` loads a candidate beside it, validates and
 * self-tests it, and swaps it in with one reference change. The old version drains, stays
 * loaded for `rollback`, then closes. `watchPluginFolder` keeps a registry in step with a
 * folder of `<name>/` directories. docs/hot-swap.md describes the life of a version.
 *
 * @example
 * import { createRegistry, watchPluginFolder } from 'twinplug';
 * const registry = createRegistry({ drainTimeoutMs: 10_000, retentionMs: 300_000 });
 * registry.events.onAny((event) => console.log(event.type, event.name));
 * const folder = watchPluginFolder(registry, '/srv/plugins');
 * await folder.ready;
 * const output = await registry.call('upper', new TextEncoder().encode('hi'));
 */
export {
  DEFAULT_PREFERENCE,
  deployArtifact,
  type FolderEvent,
  folderSource,
  type PluginFolder,
  type PluginFolderContents,
  type PluginFolderOptions,
  type PluginManifest,
  parseManifest,
  readManifest,
  scanPluginFolder,
  watchPluginFolder,
} from './plugin-folder/index.js';
export { ABI_VERSION, isSemver, isValidPluginName, PLUGIN_NAME_PATTERN } from './plugin-info.js';
export { isProcessAlive } from './process-alive.js';
export {
  type ArtifactChoice,
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
  type ServedCall,
  type ServedVersion,
  type SlotSnapshot,
  TypedEvents,
  type VersionSnapshot,
  type VersionState,
  type VersionTarget,
} from './registry/index.js';
