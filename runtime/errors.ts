/**
 * Every failure twinplug reports is a {@link PluginError} with one of these stable codes.
 * Callers branch on `code`, never on message text.
 */
export const PLUGIN_ERROR_CODES = [
  /** Options passed to a runtime function are invalid or contradict each other. */
  'PLUGIN_INVALID_OPTIONS',
  /** The input passed to processData is not a Uint8Array. */
  'PLUGIN_INVALID_INPUT',
  /** The artifact could not be read or the loader refused it. */
  'PLUGIN_LOAD_FAILED',
  /** The artifact is not a Wasm module, PE DLL, ELF shared object or Mach-O library. */
  'PLUGIN_FORMAT_INVALID',
  /** A native artifact built for another operating system or CPU. */
  'PLUGIN_PLATFORM_MISMATCH',
  /** The artifact's sha256 differs from the expected one. */
  'PLUGIN_HASH_MISMATCH',
  /** PluginInfo reports an ABI version other than 1. */
  'PLUGIN_ABI_MISMATCH',
  /** PluginInfo is not NUL-terminated JSON of the documented shape. */
  'PLUGIN_INFO_INVALID',
  /** A required export (ProcessData; for Wasm also memory and alloc) is missing. */
  'PLUGIN_EXPORT_MISSING',
  /** A Wasm module imports something the runtime does not provide. */
  'PLUGIN_IMPORT_UNSUPPORTED',
  /** A Wasm module imports a host function it has no capability for (`details.grant` names the grant that allows it). */
  'PLUGIN_CAPABILITY_DENIED',
  /** Initialize returned non-zero or failed. */
  'PLUGIN_INIT_FAILED',
  /** ProcessData returned a negative, plugin-defined error code (see `pluginCode`). */
  'PLUGIN_CALL_FAILED',
  /** The plugin broke the ABI: an output length past its buffer, an unknown status, a second retry, an alloc pointer out of bounds. */
  'PLUGIN_ABI_VIOLATION',
  /** The plugin asked for more output than the configured maximum. */
  'PLUGIN_OUTPUT_TOO_LARGE',
  /** The Wasm instance trapped or aborted; it is re-created before the next call. */
  'PLUGIN_TRAPPED',
  /** The Wasm instance ran into its memory cap. */
  'PLUGIN_MEMORY_LIMIT',
  /** A WASI plugin called proc_exit (`details.exitCode`); its instance is re-created before the next call. */
  'PLUGIN_EXITED',
  /** A host function called back into the plugin that called it; refused, since it would deadlock or corrupt the instance. */
  'PLUGIN_REENTRANT_CALL',
  /** The plugin was closed; no call reaches it any more. */
  'PLUGIN_CLOSED',
  /** A cases file (cases.json) is not of the documented shape. */
  'PLUGIN_CASES_INVALID',
  /** A plugin of that name is already registered at that version, on that backend, with other bytes. */
  'PLUGIN_CONFLICT',
  /** No plugin of that name is registered, or it has no version that can serve. */
  'PLUGIN_NOT_FOUND',
  /** A candidate's version is lower than the active one's and the swap was not forced. */
  'PLUGIN_VERSION_REFUSED',
  /** A candidate's PluginInfo names another plugin than the one it was registered as. */
  'PLUGIN_NAME_MISMATCH',
  /** A candidate failed one of its self-test cases (cases.json) and was not activated. */
  'PLUGIN_SELF_TEST_FAILED',
  /** A call was still running on a replaced version when its drain timeout passed; it was abandoned. */
  'PLUGIN_DRAIN_TIMEOUT',
  /** A rollback was asked for, but no previous version is retained. */
  'PLUGIN_ROLLBACK_UNAVAILABLE',
  /** A call pinned a build that was rolled back or refused: it serves again only once re-activated. */
  'PLUGIN_VERSION_WITHDRAWN',
  /** A plugin folder's plugin.json is not JSON of the documented shape. */
  'PLUGIN_MANIFEST_INVALID',
  /** The input is larger than the plugin's `maxInputBytes`; the plugin never saw it. */
  'PLUGIN_INPUT_TOO_LARGE',
  /** A call ran past `timeoutMs`: a metered Wasm instance trapped, or its worker or child process was ended; a fresh one takes the next call. */
  'PLUGIN_TIMEOUT',
  /** The isolated plugin's worker or child process died (segfault, abort, stack overflow, killed); it is restarted. */
  'PLUGIN_CRASHED',
  /** The plugin's circuit breaker is open after repeated faults: the call failed fast without reaching it. */
  'PLUGIN_UNAVAILABLE',
  /** The plugin's call queue is full (`maxQueuedCalls`), or a call waited in it past `queueTimeoutMs`: it never reached the plugin. */
  'PLUGIN_OVERLOADED',
  /** The caller's AbortSignal aborted: a queued call was dropped, a running metered Wasm call trapped at its next deadline check, a running worker or child call was ended (and its worker or child replaced). */
  'PLUGIN_CANCELLED',
  /** The plugin alone holds more memory than the registry's whole `memoryBudget`: refused rather than unloading everything else for it. */
  'PLUGIN_OVER_BUDGET',
] as const;

export type PluginErrorCode = (typeof PLUGIN_ERROR_CODES)[number];

const KNOWN_CODES: ReadonlySet<string> = new Set(PLUGIN_ERROR_CODES);

/** The plain-data form of a PluginError, for crossing worker, process and HTTP boundaries. */
export interface SerializedPluginError {
  name: 'PluginError';
  code: PluginErrorCode;
  message: string;
  pluginCode?: number;
  details?: Record<string, unknown>;
}

export interface PluginErrorOptions {
  cause?: unknown;
  /** The plugin's own negative return value, for PLUGIN_CALL_FAILED and PLUGIN_INIT_FAILED. */
  pluginCode?: number;
  /** Structured facts about the failure (an import's name, an abort's file and line...). */
  details?: Record<string, unknown>;
}

/**
 * The one error class of twinplug.
 *
 * @example
 * try { await plugin.processData(input) }
 * catch (error) { if (isPluginError(error, 'PLUGIN_CALL_FAILED')) console.log(error.pluginCode) }
 */
export class PluginError extends Error {
  override readonly name = 'PluginError';
  readonly code: PluginErrorCode;
  readonly pluginCode: number | undefined;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: PluginErrorCode, message: string, options: PluginErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.pluginCode = options.pluginCode;
    this.details = options.details;
  }

  toJSON(): SerializedPluginError {
    const json: SerializedPluginError = {
      name: 'PluginError',
      code: this.code,
      message: this.message,
    };
    if (this.pluginCode !== undefined) json.pluginCode = this.pluginCode;
    if (this.details !== undefined) json.details = this.details;
    return json;
  }

  /** Rebuilds an error sent as {@link SerializedPluginError} from another thread or process. */
  static fromJSON(json: SerializedPluginError): PluginError {
    const options: PluginErrorOptions = {};
    if (json.pluginCode !== undefined) options.pluginCode = json.pluginCode;
    if (json.details !== undefined) options.details = json.details;
    return new PluginError(json.code, json.message, options);
  }
}

/**
 * True for a PluginError, also one rebuilt or structurally cloned across a boundary,
 * optionally of the given code.
 */
export function isPluginError(value: unknown, code?: PluginErrorCode): value is PluginError {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as { name?: unknown; code?: unknown };
  if (candidate.name !== 'PluginError' || typeof candidate.code !== 'string') return false;
  if (!KNOWN_CODES.has(candidate.code)) return false;
  return code === undefined || candidate.code === code;
}

/** Keeps a PluginError as it is; wraps anything else with the given code. */
export function toPluginError(error: unknown, code: PluginErrorCode, message: string): PluginError {
  if (error instanceof PluginError) return error;
  const reason = error instanceof Error ? error.message : String(error);
  return new PluginError(code, `${message}: ${reason}`, { cause: error });
}
