// The `adapter` load option (and plugin.json key): how a legacy native library that does not
// export twinplug's ABI is called. Plain JSON, so it travels to a plugin child as it is; the
// prototypes are parsed by the native backend at load (docs/legacy-dlls.md).
import { PluginError } from './errors.js';

/** The named conventions a `functions` adapter's process prototype may follow. */
export const FUNCTION_CONVENTIONS = [
  /** `int f(const char *in, int in_len, char *out, int *out_len)`: *out_len holds the capacity on entry, the length on return; 0 is success. */
  'buffer-length-pointer',
  /** `int f(const char *in, char *out)` or `int f(const char *in, char *out, int out_cap)`: NUL-terminated in and out; 0 is success. */
  'string-buffer',
  /** `char *f(const char *in)`: a NUL-terminated string the library allocated, released with `free`; NULL is failure. */
  'string-returned',
] as const;

export type FunctionConvention = (typeof FUNCTION_CONVENTIONS)[number];

/** PluginInfo for a library that has none: its name, version and description. */
export interface AdapterInfo {
  readonly name: string;
  readonly version: string;
  readonly description?: string;
}

/** A C++ object created by a factory, with `Initialize`, `ProcessData` and `Cleanup` virtuals. */
export interface IModuleAdapter {
  readonly kind: 'imodule';
  /** The exported factory, `IModule *factory(void)` (default `CreateModule`). */
  readonly factory?: string;
  /** An exported `void destroy(IModule *)`, called when an instance is dropped. */
  readonly destroy?: string;
  /** Bytes the output buffer holds (default 65536); a guard region follows it. */
  readonly outputCapacity?: number;
  /** How ProcessData's int reads: `status` (0 = success, NUL-terminated output) or `length` (bytes written; negative = error). Default status. */
  readonly result?: 'status' | 'length';
  /** Where the class declares a virtual destructor: none (default), first or last. */
  readonly virtualDestructor?: 'none' | 'first' | 'last';
  /** The C++ ABI the vtable follows when it has a destructor: itanium (g++, clang, MinGW) or msvc. */
  readonly cxxAbi?: 'itanium' | 'msvc';
  readonly info?: AdapterInfo;
}

/** Flat C exports declared by their prototypes, in koffi's syntax (calling convention included). */
export interface FunctionsAdapter {
  readonly kind: 'functions';
  readonly convention: FunctionConvention;
  /** e.g. `int __stdcall Transform(const char *in, int len, char *out, int *outLen)`. */
  readonly process: string;
  /** `int init(void)`, `int init(const char *config)` or `int init(const char *config, int len)`; 0 (or true) is success. */
  readonly init?: string;
  /** `void cleanup(void)`. */
  readonly cleanup?: string;
  /** `const char *info(void)` returning PluginInfo JSON. */
  readonly info?: string;
  /** string-returned only: `void release(char *s)`, called on every string `process` returns. */
  readonly free?: string;
  /** buffer-length-pointer and string-buffer: bytes the output buffer holds (default 65536). */
  readonly outputCapacity?: number;
  /** PluginInfo when there is no `info` function. */
  readonly pluginInfo?: AdapterInfo;
}

export type NativeAdapter = IModuleAdapter | FunctionsAdapter;

export const DEFAULT_OUTPUT_CAPACITY = 64 * 1024;
const MAX_OUTPUT_CAPACITY = 256 * 1024 * 1024;
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_@?$]{0,255}$/;

const KEYS = {
  imodule: [
    'kind',
    'factory',
    'destroy',
    'outputCapacity',
    'result',
    'virtualDestructor',
    'cxxAbi',
    'info',
  ],
  functions: [
    'kind',
    'convention',
    'process',
    'init',
    'cleanup',
    'info',
    'free',
    'outputCapacity',
    'pluginInfo',
  ],
} as const satisfies Record<NativeAdapter['kind'], readonly string[]>;

/** A bad adapter: PLUGIN_INVALID_OPTIONS naming the field (plugin.json turns it into a manifest error). */
export function adapterInvalid(field: string, message: string): PluginError {
  return new PluginError('PLUGIN_INVALID_OPTIONS', `"adapter.${field}": ${message}`, {
    details: { field: `adapter.${field}` },
  });
}

function oneOf<T extends string>(
  value: unknown,
  field: string,
  allowed: readonly T[],
): T | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value))
    throw adapterInvalid(field, `must be one of ${allowed.join(', ')}`);
  return value as T;
}

function text(value: unknown, field: string, pattern?: RegExp): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.length === 0 || value.length > 1024)
    throw adapterInvalid(field, 'must be a non-empty string');
  if (pattern !== undefined && !pattern.test(value))
    throw adapterInvalid(field, 'must be an exported symbol name');
  return value;
}

function checkInfo(value: unknown, field: string): void {
  if (value === undefined) return;
  const info = value as Record<string, unknown>;
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw adapterInvalid(field, 'must be { name, version, description }');
  for (const key of Object.keys(info))
    if (!['name', 'version', 'description'].includes(key))
      throw adapterInvalid(field, `unknown key "${key}" (known: name, version, description)`);
  if (typeof info.name !== 'string' || typeof info.version !== 'string')
    throw adapterInvalid(field, '"name" and "version" must be strings');
  if (info.description !== undefined && typeof info.description !== 'string')
    throw adapterInvalid(field, '"description" must be a string');
}

function checkCapacity(value: unknown): void {
  if (value === undefined) return;
  if (!Number.isInteger(value) || (value as number) < 1 || (value as number) > MAX_OUTPUT_CAPACITY)
    throw adapterInvalid('outputCapacity', `must be an integer from 1 to ${MAX_OUTPUT_CAPACITY}`);
}

function checkIModule(adapter: Record<string, unknown>): void {
  text(adapter.factory, 'factory', IDENTIFIER);
  text(adapter.destroy, 'destroy', IDENTIFIER);
  checkCapacity(adapter.outputCapacity);
  oneOf(adapter.result, 'result', ['status', 'length']);
  const destructor = oneOf(adapter.virtualDestructor, 'virtualDestructor', [
    'none',
    'first',
    'last',
  ]);
  const abi = oneOf(adapter.cxxAbi, 'cxxAbi', ['itanium', 'msvc']);
  if (destructor !== undefined && destructor !== 'none' && abi === undefined)
    throw adapterInvalid(
      'cxxAbi',
      'say "itanium" (g++, clang, MinGW) or "msvc": the two lay a virtual destructor out differently',
    );
  checkInfo(adapter.info, 'info');
}

function checkFunctions(adapter: Record<string, unknown>): void {
  const convention = oneOf(adapter.convention, 'convention', FUNCTION_CONVENTIONS);
  if (convention === undefined)
    throw adapterInvalid('convention', `is required: one of ${FUNCTION_CONVENTIONS.join(', ')}`);
  if (text(adapter.process, 'process') === undefined)
    throw adapterInvalid('process', 'is required: the C prototype of the processing function');
  for (const field of ['init', 'cleanup', 'info', 'free'] as const) text(adapter[field], field);
  if ((convention === 'string-returned') !== (adapter.free !== undefined))
    throw adapterInvalid('free', 'goes with the string-returned convention, and only with it');
  if (convention === 'string-returned' && adapter.outputCapacity !== undefined)
    throw adapterInvalid('outputCapacity', 'does not apply to string-returned');
  checkCapacity(adapter.outputCapacity);
  if (adapter.info !== undefined && adapter.pluginInfo !== undefined)
    throw adapterInvalid('pluginInfo', 'give "info" (a function) or "pluginInfo", not both');
  checkInfo(adapter.pluginInfo, 'pluginInfo');
}

/**
 * Checks an adapter's shape (not its prototypes: the native backend parses those at load) and
 * returns it frozen. Unknown keys and kinds are refused, listing the known ones.
 */
export function resolveAdapter(value: unknown): NativeAdapter | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw adapterInvalid('kind', 'the adapter must be an object with a "kind"');
  const adapter = value as Record<string, unknown>;
  const kind = oneOf(adapter.kind, 'kind', ['imodule', 'functions'] as const);
  if (kind === undefined) throw adapterInvalid('kind', 'is required: imodule or functions');
  const known: readonly string[] = KEYS[kind];
  for (const key of Object.keys(adapter))
    if (!known.includes(key))
      throw adapterInvalid(key, `unknown key for a ${kind} adapter (known: ${known.join(', ')})`);
  if (kind === 'imodule') checkIModule(adapter);
  else checkFunctions(adapter);
  return structuredClone(adapter) as unknown as NativeAdapter;
}
