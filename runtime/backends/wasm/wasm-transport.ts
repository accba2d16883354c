import type { ProcessDataTransport } from '../../call-protocol.js';
import { PluginError } from '../../errors.js';
import { checkRegion, trapError, type WasmExports } from './wasm-instance.js';

const REGION_GRANULE = 4096;

function align8(size: number): number {
  return (size + 7) & ~7;
}

/**
 * Calls ProcessData in one instance. Input, output and out_len share one region obtained from
 * the plugin's alloc and reused while it is big enough, so a small call costs two copies and
 * one export call. A throw out of the module marks the transport broken: the instance's memory
 * may be inconsistent, so its owner replaces it.
 */
export class WasmTransport implements ProcessDataTransport {
  broken = false;
  readonly #exports: WasmExports;
  readonly #maxPages: number;
  /** A shared memory's buffer is never detached by growth, so the views are re-read each time. */
  readonly #shared: boolean;
  #bytes: Uint8Array;
  #words: DataView;
  #region: { pointer: number; size: number } | undefined;
  #outPtr = 0;
  #outLenPtr = 0;

  constructor(exports: WasmExports, maxPages: number) {
    this.#exports = exports;
    this.#maxPages = maxPages;
    const buffer = exports.memory.buffer;
    this.#shared = !(buffer instanceof ArrayBuffer);
    this.#bytes = new Uint8Array(buffer);
    this.#words = new DataView(buffer);
  }

  invoke(input: Uint8Array, outCap: number): number {
    try {
      const inPtr = this.#reserve(input.length, outCap);
      this.#memory().set(input, inPtr);
      this.#words.setUint32(this.#outLenPtr, 0, true);
      return this.#exports.ProcessData(inPtr, input.length, this.#outPtr, outCap, this.#outLenPtr);
    } catch (error) {
      if (!(error instanceof PluginError)) this.broken = true;
      throw trapError(error, this.#exports.memory, this.#maxPages, 'ProcessData');
    }
  }

  outLen(): number {
    this.#memory();
    return this.#words.getUint32(this.#outLenPtr, true);
  }

  takeOutput(length: number): Uint8Array {
    return this.#memory().slice(this.#outPtr, this.#outPtr + length);
  }

  /** Copies `bytes` into memory from the plugin's alloc, calls `use` with the pointer, frees it. */
  withBytes<T>(bytes: Uint8Array, use: (pointer: number) => T): T {
    if (bytes.length === 0) return use(0);
    const pointer = this.#allocate(bytes.length, 'alloc');
    this.#memory().set(bytes, pointer);
    try {
      return use(pointer);
    } finally {
      this.#exports.dealloc?.(pointer, bytes.length);
    }
  }

  /**
   * The memory's current bytes. Growing a (non-shared) memory detaches its old buffer, which
   * empties the views over it: an empty view is the sign to re-read `memory.buffer`, whose
   * getter costs about 13 ns, a tenth of a 64-byte call, when read three times per call.
   */
  #memory(): Uint8Array {
    if (this.#bytes.length === 0 || this.#shared) {
      const buffer = this.#exports.memory.buffer;
      this.#bytes = new Uint8Array(buffer);
      this.#words = new DataView(buffer);
    }
    return this.#bytes;
  }

  /** Makes room for input, output and out_len; returns the input pointer. */
  #reserve(inLen: number, outCap: number): number {
    const outOffset = align8(inLen);
    const needed = outOffset + align8(outCap) + 8;
    let region = this.#region;
    if (region === undefined || region.size < needed) {
      if (region !== undefined) this.#exports.dealloc?.(region.pointer, region.size);
      this.#region = undefined;
      const size = Math.ceil(needed / REGION_GRANULE) * REGION_GRANULE;
      region = { pointer: this.#allocate(size, 'alloc'), size };
      this.#region = region;
    }
    this.#outPtr = region.pointer + outOffset;
    this.#outLenPtr = this.#outPtr + align8(outCap);
    return region.pointer;
  }

  #allocate(size: number, what: string): number {
    let pointer: number;
    try {
      pointer = this.#exports.alloc(size) >>> 0;
    } catch (error) {
      // Some allocators (AssemblyScript's) trap instead of returning 0 when memory cannot grow.
      this.broken = true;
      throw new PluginError(
        'PLUGIN_MEMORY_LIMIT',
        `alloc trapped asking for ${size} bytes (memory cap ${this.#maxPages} pages)`,
        {
          cause: error,
          details: { size, maxPages: this.#maxPages },
        },
      );
    }
    if (pointer === 0) {
      throw new PluginError(
        'PLUGIN_MEMORY_LIMIT',
        `alloc could not provide ${size} bytes (memory cap ${this.#maxPages} pages)`,
        {
          details: { size, maxPages: this.#maxPages },
        },
      );
    }
    checkRegion(this.#exports.memory, pointer, size, what);
    return pointer;
  }
}
