import { PluginError } from '../../../errors.js';

/** A load failure for bytes the Wasm binary format does not allow. */
export function malformed(message: string): PluginError {
  return new PluginError('PLUGIN_LOAD_FAILED', `malformed Wasm module: ${message}`);
}

/**
 * Reads the Wasm binary format's primitives from one byte range, refusing to read past its
 * end. LEB128 integers are read by length only where their value is not needed (constants).
 */
export class ByteReader {
  readonly bytes: Uint8Array;
  offset: number;
  readonly end: number;

  constructor(bytes: Uint8Array, offset = 0, end = bytes.length) {
    this.bytes = bytes;
    this.offset = offset;
    this.end = end;
  }

  get done(): boolean {
    return this.offset >= this.end;
  }

  byte(): number {
    if (this.offset >= this.end) throw malformed(`unexpected end at byte ${this.offset}`);
    const value = this.bytes[this.offset]!;
    this.offset += 1;
    return value;
  }

  /** An unsigned LEB128 of at most 32 bits. */
  u32(): number {
    let value = 0;
    for (let shift = 0; shift < 35; shift += 7) {
      const byte = this.byte();
      value += (byte & 0x7f) * 2 ** shift;
      if ((byte & 0x80) === 0) {
        if (value > 0xffff_ffff) throw malformed(`u32 out of range at byte ${this.offset}`);
        return value;
      }
    }
    throw malformed(`u32 too long at byte ${this.offset}`);
  }

  /** A signed LEB128 of at most 33 bits (block types, heap types), as a number. */
  s33(): number {
    let value = 0;
    let shift = 0;
    let byte: number;
    do {
      if (shift >= 35) throw malformed(`s33 too long at byte ${this.offset}`);
      byte = this.byte();
      value += (byte & 0x7f) * 2 ** shift;
      shift += 7;
    } while ((byte & 0x80) !== 0);
    return (byte & 0x40) !== 0 ? value - 2 ** shift : value;
  }

  /** Skips a LEB128 of at most `maxBytes` bytes (5 for 32-bit values, 10 for 64-bit ones). */
  skipLeb(maxBytes: number): void {
    for (let count = 0; count < maxBytes; count += 1) {
      if ((this.byte() & 0x80) === 0) return;
    }
    throw malformed(`LEB128 too long at byte ${this.offset}`);
  }

  skip(count: number): void {
    if (count > this.end - this.offset) throw malformed(`unexpected end at byte ${this.offset}`);
    this.offset += count;
  }

  /** A length-prefixed byte string (names, custom payloads). */
  vecBytes(): Uint8Array {
    const length = this.u32();
    const start = this.offset;
    this.skip(length);
    return this.bytes.subarray(start, start + length);
  }
}
