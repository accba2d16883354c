import { type ByteReader, malformed } from './byte-reader.js';

const REF_NULL = 0x63;
const REF = 0x64;
const EMPTY_BLOCK = 0x40;

/**
 * Single-byte value types: i32 i64 f32 f64 v128, and the reference shorthands (funcref,
 * externref and the GC and exception-handling abstract types).
 */
const SHORT_TYPES: ReadonlySet<number> = new Set([
  0x7f, 0x7e, 0x7d, 0x7c, 0x7b, 0x74, 0x73, 0x72, 0x71, 0x70, 0x6f, 0x6e, 0x6d, 0x6c, 0x6b, 0x6a,
  0x69,
]);

/** Skips a value type, `(ref null? heaptype)` included. */
export function skipValueType(reader: ByteReader): void {
  const code = reader.byte();
  if (code === REF_NULL || code === REF) {
    reader.s33();
    return;
  }
  if (!SHORT_TYPES.has(code)) throw malformed(`unknown value type 0x${code.toString(16)}`);
}

/**
 * Reads a block type: empty or one value type (undefined: no parameters), or a type index
 * (a non-negative signed 33-bit LEB), which it returns.
 */
export function blockTypeIndex(reader: ByteReader): number | undefined {
  const code = reader.bytes[reader.offset];
  if (code === EMPTY_BLOCK && reader.offset < reader.end) {
    reader.offset += 1;
    return undefined;
  }
  if (code !== undefined && (code === REF_NULL || code === REF || SHORT_TYPES.has(code))) {
    skipValueType(reader);
    return undefined;
  }
  const index = reader.s33();
  if (index < 0) throw malformed(`bad block type at byte ${reader.offset}`);
  return index;
}

/** Skips a block type: empty, one value type, or a type index. */
export function skipBlockType(reader: ByteReader): void {
  blockTypeIndex(reader);
}

/** Skips table or memory limits: flags, minimum, maximum when flagged. 64-bit limits take 10 bytes. */
export function skipLimits(reader: ByteReader): void {
  const flags = reader.byte();
  if (flags > 0x0f) throw malformed(`unknown limits flags 0x${flags.toString(16)}`);
  const width = (flags & 0x04) !== 0 ? 10 : 5;
  reader.skipLeb(width);
  if ((flags & 0x01) !== 0) reader.skipLeb(width);
  if ((flags & 0x08) !== 0) reader.u32();
}
