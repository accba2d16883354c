import type { GuestMemory, GuestPointer } from './host-glue.js';

/** A Wasm instance's linear memory, bounds-checked; the memory is set once the instance exists. */
export class WasmGuestMemory implements GuestMemory {
  memory: WebAssembly.Memory | undefined;
  #buffer: ArrayBuffer | undefined;
  #bytes = new Uint8Array(0);

  #view(): Uint8Array {
    const buffer = this.memory?.buffer;
    if (buffer !== this.#buffer) {
      this.#buffer = buffer;
      this.#bytes = buffer === undefined ? new Uint8Array(0) : new Uint8Array(buffer);
    }
    return this.#bytes;
  }

  read(pointer: GuestPointer, length: number): Uint8Array | undefined {
    const bytes = this.#view();
    const start = Number(pointer) >>> 0;
    if (start + length > bytes.length) return undefined;
    return bytes.subarray(start, start + length);
  }

  writable(pointer: GuestPointer, length: number): Uint8Array | undefined {
    return this.read(pointer, length);
  }

  writeU32(pointer: GuestPointer, value: number): boolean {
    const target = this.read(pointer, 4);
    if (target === undefined) return false;
    target[0] = value & 0xff;
    target[1] = (value >>> 8) & 0xff;
    target[2] = (value >>> 16) & 0xff;
    target[3] = (value >>> 24) & 0xff;
    return true;
  }
}
