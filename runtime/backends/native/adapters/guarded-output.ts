import { randomFillSync } from 'node:crypto';
import { PluginError } from '../../../errors.js';

/**
 * Bytes after the declared capacity that the library must never touch. A legacy
 * `ProcessData(const char *, char *)` is told no capacity, so a write past it lands here first
 * and is seen after the call; a write past the guard as well corrupts this process's heap, which
 * is why adapted libraries from a watched folder run in a child process.
 */
export const GUARD_BYTES = 1024;

/** The output buffer of an adapted call: `capacity` usable bytes, then a random canary. */
export class GuardedOutput {
  readonly capacity: number;
  /** What the library writes into: capacity + guard bytes. */
  readonly buffer: Buffer;
  readonly #canary: Buffer;
  readonly #guard: Buffer;

  constructor(capacity: number) {
    this.capacity = capacity;
    this.buffer = Buffer.alloc(capacity + GUARD_BYTES);
    // Random per buffer, so a library cannot write the canary back by accident or on purpose.
    this.#canary = randomFillSync(Buffer.alloc(GUARD_BYTES));
    this.#guard = this.buffer.subarray(capacity);
    this.#canary.copy(this.#guard);
  }

  /** Throws PLUGIN_ABI_VIOLATION when the last call wrote into the guard region. */
  check(what: string): void {
    if (this.#guard.equals(this.#canary)) return;
    let reached = GUARD_BYTES;
    while (reached > 0 && this.#guard[reached - 1] === this.#canary[reached - 1]) reached -= 1;
    this.#canary.copy(this.#guard);
    throw new PluginError(
      'PLUGIN_ABI_VIOLATION',
      `${what} wrote past its ${this.capacity}-byte output buffer; the instance was discarded`,
      { details: { capacity: this.capacity, overrunBytes: reached, instanceDiscarded: true } },
    );
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
    return new Uint8Array(this.buffer.subarray(0, length));
  }
}
