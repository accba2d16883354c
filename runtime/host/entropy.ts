import { randomFillSync } from 'node:crypto';

/** Where the fixed clock starts (2020-09-13T12:26:40Z), in ns; it advances 1 ms per reading. */
export const FIXED_CLOCK_START_NS = 1_600_000_000_000_000_000n;
const FIXED_CLOCK_STEP_NS = 1_000_000n;

/** WASI clock ids: realtime, monotonic, process and thread CPU time. */
export const CLOCK_IDS = 4;

/** A clock: real, or fixed (deterministic: each reading is the previous one plus 1 ms). */
export class HostClock {
  readonly #fixed: boolean;
  #readings = 0n;

  constructor(fixed: boolean) {
    this.#fixed = fixed;
  }

  /** Nanoseconds on clock `id` (0 realtime, else monotonic). */
  now(id: number): bigint {
    if (this.#fixed) {
      this.#readings += 1n;
      return FIXED_CLOCK_START_NS + this.#readings * FIXED_CLOCK_STEP_NS;
    }
    if (id === 0) return BigInt(Date.now()) * 1_000_000n;
    return process.hrtime.bigint();
  }

  /**
   * Milliseconds for the host's own timing (the log limiter's window), without taking a reading:
   * the fixed clock's current time, which moves only when the plugin reads the clock, so a
   * deterministic run drops the same log lines every time; else a monotonic clock.
   */
  millis(): number {
    if (!this.#fixed) return performance.now();
    return Number((FIXED_CLOCK_START_NS + this.#readings * FIXED_CLOCK_STEP_NS) / 1_000_000n);
  }
}

/** Random bytes: the system's, or sfc32 from a seed (deterministic). */
export class HostRandom {
  readonly #state: Uint32Array | undefined;

  constructor(seed: number | undefined) {
    if (seed === undefined) return;
    this.#state = new Uint32Array([0x9e3779b9, seed >>> 0, 0x243f6a88, 1]);
    for (let round = 0; round < 12; round += 1) this.#next();
  }

  fill(bytes: Uint8Array): void {
    if (this.#state === undefined) {
      randomFillSync(bytes);
      return;
    }
    for (let index = 0; index < bytes.length; index += 4) {
      const word = this.#next();
      for (let byte = 0; byte < 4 && index + byte < bytes.length; byte += 1)
        bytes[index + byte] = (word >>> (8 * byte)) & 0xff;
    }
  }

  #next(): number {
    const s = this.#state!;
    const t = (((s[0]! + s[1]!) >>> 0) + s[3]!) >>> 0;
    s[3] = (s[3]! + 1) >>> 0;
    s[0] = s[1]! ^ (s[1]! >>> 9);
    s[1] = (s[2]! + (s[2]! << 3)) >>> 0;
    s[2] = ((s[2]! << 21) | (s[2]! >>> 11)) >>> 0;
    s[2] = (s[2]! + t) >>> 0;
    return t;
  }
}
