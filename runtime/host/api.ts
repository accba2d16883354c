// Host API v1: the one definition both backends are generated from. The Wasm import object
// (module `twinplug_v1`) and the native function table (`tp_host_v1`, see twinplug.h) are built
// from HOST_API_V1; the C header lists the same functions in the same order, checked by
// api.test.ts.

/**
 * How one parameter crosses: `i32` a plain integer; `bytes` a (pointer, length) pair the host
 * reads; `out` a (pointer, capacity, pointer to u32 length) triple the host writes with the ABI's
 * two-call protocol.
 */
export type ParamKind = 'i32' | 'bytes' | 'out';

/** The grants of {@link Capabilities} a host function can need. */
export type GrantName = 'log' | 'kv' | 'hostFunctions' | 'wasi';

export interface HostFunctionSpec {
  readonly params: readonly ParamKind[];
  readonly grant: GrantName;
}

/** The functions of host API v1, in the order of the native table's fields. */
export const HOST_API_V1 = {
  log: { params: ['i32', 'bytes'], grant: 'log' },
  kv_get: { params: ['bytes', 'out'], grant: 'kv' },
  kv_set: { params: ['bytes', 'bytes'], grant: 'kv' },
  kv_delete: { params: ['bytes'], grant: 'kv' },
  call_host: { params: ['bytes', 'bytes', 'out'], grant: 'hostFunctions' },
} as const satisfies Record<string, HostFunctionSpec>;

export type HostFunctionName = keyof typeof HOST_API_V1;
export const HOST_FUNCTION_NAMES = Object.keys(HOST_API_V1) as HostFunctionName[];

/** The Wasm import module of host API v1. */
export const HOST_MODULE = 'twinplug_v1';
/** The native table's version field; a plugin checks it before using the table. */
export const HOST_TABLE_VERSION = 1;

/**
 * What the host does for a plugin: the host API's functions, and the WASI functions that reach
 * the host (a line written to stdout or stderr, a clock reading, random bytes). Every one of them
 * is one recorded host call.
 */
export type HostOp = HostFunctionName | 'wasi_write' | 'clock' | 'random';
export const HOST_OPS: readonly HostOp[] = [
  ...HOST_FUNCTION_NAMES,
  'wasi_write',
  'clock',
  'random',
];

/** Status codes a host function returns to the plugin (the header's TP_* constants). */
export const TP_STATUS = {
  OK: 0,
  BUFFER_TOO_SMALL: 1,
  /** The plugin has no grant for this function or this host function's name. */
  DENIED: -1,
  /** A pointer or length lies outside the plugin's memory (a NULL pointer, natively). */
  BOUNDS: -2,
  /** A malformed argument: a log level out of range, a log message that is not UTF-8. */
  INVALID: -3,
  /** A key, value, host-call input or output over its limit. */
  TOO_LARGE: -4,
  /** kv_set would take the plugin's store over its `kv.maxBytes`. */
  QUOTA: -5,
  /** No such kv key, or no such host function registered. */
  NOT_FOUND: -6,
  /** The host function threw, rejected, or returned something other than a Uint8Array. */
  HOST_FAILED: -7,
  /** The plugin is closed (a call during or after Cleanup). */
  CLOSED: -8,
  /** A log line dropped: over `log.linesPerSecond`. */
  RATE: -9,
} as const;

export type TpStatus = (typeof TP_STATUS)[keyof typeof TP_STATUS];

/** Log levels of `log(level, msg, len)`. */
export const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

const WASM_WIDTH: Record<ParamKind, number> = { i32: 1, bytes: 2, out: 3 };

/** The Wasm parameter types of a host function: all i32; its one result is i32. */
export function wasmParamCount(spec: HostFunctionSpec): number {
  return spec.params.reduce((sum, kind) => sum + WASM_WIDTH[kind], 0);
}

const C_PARAMS: Record<ParamKind, string> = {
  i32: 'int32_t',
  bytes: 'const void *, uint32_t',
  out: 'void *, uint32_t, void *',
};

/** The C prototype of a native table entry, for koffi: `int32_t tp_log_fn(int32_t, const void *, uint32_t)`. */
export function cPrototype(name: HostFunctionName): string {
  const params = HOST_API_V1[name].params.map((kind) => C_PARAMS[kind]).join(', ');
  return `int32_t tp_${name}_fn(${params})`;
}
