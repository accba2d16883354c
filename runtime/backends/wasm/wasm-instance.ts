import { PluginError } from '../../errors.js';
import { WasiExit } from '../../host/wasi.js';
import { decodeNulTerminated, MAX_PLUGIN_INFO_BYTES } from '../../plugin-info.js';
import { WasmAbort } from './host-imports.js';

const PAGE_BYTES = 65536;

/** The ABI exports of one instance, checked to be there. */
export interface WasmExports {
  readonly memory: WebAssembly.Memory;
  readonly alloc: (size: number) => number;
  readonly dealloc: ((pointer: number, size: number) => void) | undefined;
  readonly ProcessData: (
    inPtr: number,
    inLen: number,
    outPtr: number,
    outCap: number,
    outLenPtr: number,
  ) => number;
  readonly PluginInfo: (() => number) | undefined;
  readonly Initialize: ((configPtr: number, length: number) => number) | undefined;
  readonly Cleanup: (() => void) | undefined;
  /** A WASI reactor's constructor: called once per instance, before Initialize. */
  readonly _initialize: (() => void) | undefined;
}

export const REQUIRED_EXPORTS = ['memory', 'alloc', 'ProcessData'] as const;
export const OPTIONAL_EXPORTS = ['dealloc', 'PluginInfo', 'Initialize', 'Cleanup'] as const;

function optionalFunction<T>(value: unknown): T | undefined {
  return typeof value === 'function' ? (value as T) : undefined;
}

/** Checks the instance's exports against the ABI; a missing required one is PLUGIN_EXPORT_MISSING. */
export function bindExports(instance: WebAssembly.Instance): WasmExports {
  const raw = instance.exports as Record<string, unknown>;
  const missing = REQUIRED_EXPORTS.filter((name) =>
    name === 'memory'
      ? !(raw.memory instanceof WebAssembly.Memory)
      : typeof raw[name] !== 'function',
  );
  if (missing.length > 0) {
    throw new PluginError(
      'PLUGIN_EXPORT_MISSING',
      `Wasm module does not export ${missing.join(', ')}`,
      { details: { missing } },
    );
  }
  return {
    memory: raw.memory as WebAssembly.Memory,
    alloc: raw.alloc as WasmExports['alloc'],
    ProcessData: raw.ProcessData as WasmExports['ProcessData'],
    dealloc: optionalFunction(raw.dealloc),
    PluginInfo: optionalFunction(raw.PluginInfo),
    Initialize: optionalFunction(raw.Initialize),
    Cleanup: optionalFunction(raw.Cleanup),
    _initialize: optionalFunction(raw._initialize),
  };
}

/** Turns anything thrown out of a Wasm call into the error the caller sees. */
export function trapError(
  error: unknown,
  memory: WebAssembly.Memory,
  maxPages: number,
  during: string,
): PluginError {
  if (error instanceof PluginError) return error;
  if (error instanceof WasiExit) {
    return new PluginError('PLUGIN_EXITED', `${during} called proc_exit(${error.exitCode})`, {
      details: { exitCode: error.exitCode },
    });
  }
  if (error instanceof WasmAbort) {
    return new PluginError(
      'PLUGIN_TRAPPED',
      `${during} aborted: ${error.abortMessage} at ${error.file}:${error.line}:${error.column}`,
      {
        cause: error,
        details: {
          abort: {
            message: error.abortMessage,
            file: error.file,
            line: error.line,
            column: error.column,
          },
        },
      },
    );
  }
  const pages = memory.buffer.byteLength / PAGE_BYTES;
  const reason = error instanceof Error ? error.message : String(error);
  if (pages >= maxPages) {
    return new PluginError(
      'PLUGIN_MEMORY_LIMIT',
      `${during} trapped with memory at its cap of ${maxPages} pages: ${reason}`,
      {
        cause: error,
        details: { pages, maxPages },
      },
    );
  }
  return new PluginError('PLUGIN_TRAPPED', `${during} trapped: ${reason}`, { cause: error });
}

/** Checks that [pointer, pointer + size) lies inside memory; the plugin chose the pointer. */
export function checkRegion(
  memory: WebAssembly.Memory,
  pointer: number,
  size: number,
  what: string,
): void {
  if (!Number.isInteger(pointer) || pointer <= 0 || pointer + size > memory.buffer.byteLength) {
    throw new PluginError(
      'PLUGIN_ABI_VIOLATION',
      `${what} returned pointer ${pointer} for ${size} bytes, outside the module's memory`,
      {
        details: { pointer, size, memoryBytes: memory.buffer.byteLength },
      },
    );
  }
}

/** Reads the NUL-terminated JSON PluginInfo points at, bounded by memory and MAX_PLUGIN_INFO_BYTES. */
export function readPluginInfoText(exports: WasmExports): string | undefined {
  if (exports.PluginInfo === undefined) return undefined;
  const pointer = exports.PluginInfo() >>> 0;
  const memory = new Uint8Array(exports.memory.buffer);
  if (pointer === 0 || pointer >= memory.length) {
    throw new PluginError(
      'PLUGIN_INFO_INVALID',
      `PluginInfo returned pointer ${pointer}, outside the module's memory`,
    );
  }
  return decodeNulTerminated(
    memory.subarray(pointer, Math.min(memory.length, pointer + MAX_PLUGIN_INFO_BYTES)),
  );
}
