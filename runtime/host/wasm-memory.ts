import type { GuestMemory, GuestPointer } from './host-glue.js';

/** What an empty region reads as: a zero-length array cannot be changed, so one serves all. */
const NO_BYTES = new Uint8Array(0);

/** A Wasm instance's linear memory, bounds-checked; the memory is set once the instance exists. */
export class WasmGuestMemory implements GuestMemory {
  memory: WebAssembly.Memory | undefined;
  #bytes = new Uint8Array(0);
  #words = new DataView(new ArrayBuffer(0));

  /**
   * A view that reaches `end`, or the current one if none does. The `buffer` getter costs about
   * as much as a host call's own work, so the view is kept until an access falls outside it
   * (after memory.grow the old view is detached and has length 0).
   */
  reaching(end: number): Uint8Array {
    if (end <= this.#bytes.length) return this.#bytes;
    const buffer = this.memory?.buffer;
    if (buffer !== undefined && buffer.byteLength !== this.#bytes.length) {
      this.#bytes = new Uint8Array(buffer);
      this.#words = new DataView(buffer);
    }
    return this.#bytes;
  }

  /** A DataView of the memory {@link reaching} last returned: reads names a word at a time. */
  words(): DataView {
    return this.#words;
  }

  read(pointer: GuestPointer, length: number): Uint8Array | undefined {
    const start = Number(pointer) >>> 0;
    const bytes = this.reaching(start + length);
    if (start + length > bytes.length) return undefined;
    return length === 0 ? NO_BYTES : bytes.subarray(start, start + length);
  }

  writable(pointer: GuestPointer, length: number): Uint8Array | undefined {
    return this.read(pointer, length);
  }

  fits(pointer: GuestPointer, length: number): boolean {
    const end = (Number(pointer) >>> 0) + length;
    return end <= this.reaching(end).length;
  }

  write(pointer: GuestPointer, bytes: Uint8Array): void {
    this.reaching(0).set(bytes, Number(pointer) >>> 0);
  }

  writeU32(pointer: GuestPointer, value: number): boolean {
    const start = Number(pointer) >>> 0;
    const bytes = this.reaching(start + 4);
    if (start + 4 > bytes.length) return false;
    bytes[start] = value & 0xff;
    bytes[start + 1] = (value >>> 8) & 0xff;
    bytes[start + 2] = (value >>> 16) & 0xff;
    bytes[start + 3] = (value >>> 24) & 0xff;
    return true;
  }
}
