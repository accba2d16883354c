/** Calls and faults over the last `windowMs`, in `bucketCount` time buckets: O(1) per call. */
export class OutcomeWindow {
  readonly windowMs: number;
  readonly #bucketMs: number;
  readonly #calls: Uint32Array;
  readonly #faults: Uint32Array;
  #head = 0;
  #headStart: number;

  constructor(windowMs: number, now: number, bucketCount = 60) {
    this.windowMs = windowMs;
    this.#bucketMs = Math.max(1, windowMs / bucketCount);
    this.#calls = new Uint32Array(bucketCount);
    this.#faults = new Uint32Array(bucketCount);
    this.#headStart = now;
  }

  record(fault: boolean, now: number): void {
    this.#advance(now);
    this.#calls[this.#head]! += 1;
    if (fault) this.#faults[this.#head]! += 1;
  }

  /** Calls and faults in the window ending now. */
  totals(now: number): { calls: number; faults: number } {
    this.#advance(now);
    let calls = 0;
    let faults = 0;
    for (let index = 0; index < this.#calls.length; index += 1) {
      calls += this.#calls[index]!;
      faults += this.#faults[index]!;
    }
    return { calls, faults };
  }

  #advance(now: number): void {
    const steps = Math.floor((now - this.#headStart) / this.#bucketMs);
    if (steps <= 0) return;
    const clear = Math.min(steps, this.#calls.length);
    for (let step = 1; step <= clear; step += 1) {
      const index = (this.#head + step) % this.#calls.length;
      this.#calls[index] = 0;
      this.#faults[index] = 0;
    }
    this.#head = (this.#head + steps) % this.#calls.length;
    this.#headStart += steps * this.#bucketMs;
  }
}
