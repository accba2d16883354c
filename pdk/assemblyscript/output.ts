import { TP_BUFFER_TOO_SMALL, TP_OK } from "./abi";

/**
 * Writes into the host's output buffer. Past `cap` it stops writing but keeps counting, so a
 * too-small buffer still learns the exact size it needs.
 */
export class OutputWriter {
  // u64 so that the count cannot wrap, however large the output would be.
  length: u64 = 0;

  constructor(private ptr: usize, private cap: u32) {}

  byte(value: u8): void {
    if (this.length < <u64>this.cap) store<u8>(this.ptr + <usize>this.length, value);
    this.length++;
  }

  bytes(src: usize, len: u32): void {
    const room = <u64>this.cap - min(this.length, <u64>this.cap);
    const fits = min(<u64>len, room);
    // Even an empty copy traps when its destination is out of bounds, so skip it.
    if (fits > 0) memory.copy(this.ptr + <usize>this.length, src, <usize>fits);
    this.length += len;
  }

  /** Writes an ASCII string literal, one byte per character. */
  ascii(text: string): void {
    for (let i = 0; i < text.length; i++) this.byte(<u8>text.charCodeAt(i));
  }

  /** Writes `value` in plain decimal. */
  decimal(value: u64): void {
    let unit: u64 = 1;
    while (value / unit >= 10) unit *= 10;
    for (; unit > 0; unit /= 10) this.byte(<u8>(0x30 + (value / unit) % 10));
  }

  /** Stores the length at `outLenPtr` and returns TP_OK, or the size needed and TP_BUFFER_TOO_SMALL. */
  finish(outLenPtr: usize): i32 {
    if (this.length > <u64>this.cap) {
      // The ABI's out_len is a u32; a larger need cannot be met anyway.
      store<u32>(outLenPtr, <u32>min(this.length, <u64>u32.MAX_VALUE));
      return TP_BUFFER_TOO_SMALL;
    }
    store<u32>(outLenPtr, <u32>this.length);
    return TP_OK;
  }
}
