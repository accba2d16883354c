import { randomFillSync } from 'node:crypto';
import { PluginError } from '../../../errors.js';

/**
 * Bytes after the declared capacity that the library must never touch. A legacy
 * `ProcessData(const char *, char *)` is told no capacity, so a write past it lands here. The
 * first CANARY_BYTES hold random bytes compared after every call: an overrun of any length
 * writes through them, since C writes output front to back. The rest is slack that keeps a short
 * overrun's tail inside this buffer. A longer one corrupts this process's heap, which is why
 * adapted libraries from a watched folder run in a child process.
 */
export const GUARD_BYTES = 1024;
/** Compared as 16 int32 words: a few nanoseconds, where a 1 KiB memcmp call costs ~100 ns. */
const CANARY_BYTES = 64;

/** The output buffer of an adapted call: `capacity` usable bytes, then the guard region. */
export class GuardedOutput {
  readonly capacity: number;
  /** What the library writes into: capacity + guard bytes. */
  readonly buffer: Buffer;
  /** The same memory as a plain Uint8Array: its slice() skips Buffer's species lookup. */
  readonly #bytes: Uint8Array;
  readonly #canary = new Int32Array(CANARY_BYTES / 4);
  readonly #guard: Int32Array;

  constructor(capacity: number) {
    this.capacity = capacity;
    // Capacity rounded up to 4 so the canary words are aligned; the guard starts at capacity.
    const padded = Math.ceil(capacity / 4) * 4;
    this.buffer = Buffer.alloc(padded + GUARD_BYTES);
    this.#bytes = new Uint8Array(this.buffer.buffer, this.buffer.byteOffset, this.buffer.length);
    // Random per buffer, so a library cannot write the canary back by accident or on purpose.
    randomFillSync(this.#canary);
    this.#guard = new Int32Array(
      this.buffer.buffer,
      this.buffer.byteOffset + padded,
      CANARY_BYTES / 4,
    );
    // The padding bytes between capacity and the aligned canary are guarded too: 0xA5 each.
    this.buffer.fill(0xa5, capacity, padded);
    this.#guard.set(this.#canary);
  }

  /** Throws PLUGIN_ABI_VIOLATION when the last call wrote past the capacity. */
  check(what: string): void {
    const guard = this.#guard;
    const canary = this.#canary;
    let intact = true;
    for (let index = 0; index < canary.length; index += 1)
      if (guard[index] !== canary[index]) intact = false;
    for (let at = this.capacity; at < this.buffer.length - GUARD_BYTES; at += 1)
      if (this.buffer[at] !== 0xa5) intact = false;
    if (intact) return;
    const reached = this.#reached();
    guard.set(canary);
    this.buffer.fill(0xa5, this.capacity, this.buffer.length - GUARD_BYTES);
    throw new PluginError(
      'PLUGIN_ABI_VIOLATION',
      `${what} wrote past its ${this.capacity}-byte output buffer; the instance was discarded`,
      { details: { capacity: this.capacity, overrunBytes: reached, instanceDiscarded: true } },
    );
  }

  /** How far past the capacity the canary shows writes (a lower bound: writes can match it). */
  #reached(): number {
    const canaryBytes = new Uint8Array(this.#canary.buffer);
    const padded = this.buffer.length - GUARD_BYTES;
    for (let at = padded + CANARY_BYTES - 1; at >= padded; at -= 1)
      if (this.buffer[at] !== canaryBytes[at - padded]) return at - this.capacity + 1;
    for (let at = padded - 1; at >= this.capacity; at -= 1)
      if (this.buffer[at] !== 0xa5) return at - this.capacity + 1;
    return 0;
  }

  /** The NUL-terminated string at the start of the buffer, which must end within the capacity. */
  cString(what: string): Uint8Array {
    const end = this.buffer.indexOf(0);
    if (end < 0 || end >= this.capacity)
      throw new PluginError(
        'PLUGIN_ABI_VIOLATION',
        `${what} left no NUL terminator within its ${this.capacity}-byte output buffer`,
        { details: { capacity: this.capacity } },
      );
    return this.slice(end);
  }

  slice(length: number): Uint8Array {
    return this.#bytes.slice(0, length);
  }
}
