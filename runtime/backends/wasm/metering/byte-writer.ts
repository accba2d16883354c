/**
 * Collects output bytes in one growing buffer: a rewrite copies most of a module through here
 * in ranges, and a buffer that doubles keeps that to a few allocations (small chunks per range
 * made the garbage collector half of the rewrite's time).
 */
export class ByteWriter {
  #buffer: Uint8Array;
  #length = 0;

  constructor(capacity = 256) {
    this.#buffer = new Uint8Array(capacity);
  }

  get length(): number {
    return this.#length;
  }

  byte(value: number): void {
    this.#reserve(1);
    this.#buffer[this.#length] = value;
    this.#length += 1;
  }

  u32(value: number): void {
    this.#reserve(5);
    let rest = value >>> 0;
    do {
      let byte = rest & 0x7f;
      rest >>>= 7;
      if (rest !== 0) byte |= 0x80;
      this.#buffer[this.#length] = byte;
      this.#length += 1;
    } while (rest !== 0);
  }

  /** `i32.const value`: the opcode and a signed LEB128 of a non-negative value. */
  i32Const(value: number): void {
    // A trailing zero byte keeps the sign bit clear when the last group has bit 6 set.
    this.byte(0x41);
    this.u32(value);
    if ((this.#buffer[this.#length - 1]! & 0x40) !== 0) {
      this.#buffer[this.#length - 1]! |= 0x80;
      this.byte(0);
    }
  }

  bytes(view: Uint8Array): void {
    this.#reserve(view.length);
    this.#buffer.set(view, this.#length);
    this.#length += view.length;
  }

  /** A u32 length prefix, then the bytes. */
  vec(view: Uint8Array): void {
    this.u32(view.length);
    this.bytes(view);
  }

  /** Starts over, keeping the buffer (one writer per function body would allocate per body). */
  reset(): void {
    this.#length = 0;
  }

  /** The bytes written, as a view of the writer's buffer (write nothing after this). */
  finish(): Uint8Array {
    return this.#buffer.subarray(0, this.#length);
  }

  #reserve(count: number): void {
    const needed = this.#length + count;
    if (needed <= this.#buffer.length) return;
    const bigger = new Uint8Array(Math.max(needed, this.#buffer.length * 2));
    bigger.set(this.#buffer.subarray(0, this.#length));
    this.#buffer = bigger;
  }
}
