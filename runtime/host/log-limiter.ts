/** Lines per one-second window: the rest of a window's lines are dropped and counted. */
export class LogLimiter {
  readonly #linesPerSecond: number;
  #windowStart = 0;
  #inWindow = 0;
  dropped = 0;

  constructor(linesPerSecond: number) {
    this.#linesPerSecond = linesPerSecond;
  }

  /** True when the line may be written now. */
  admit(now: number): boolean {
    if (now - this.#windowStart >= 1000) {
      this.#windowStart = now;
      this.#inWindow = 0;
    }
    if (this.#inWindow >= this.#linesPerSecond) {
      this.dropped += 1;
      return false;
    }
    this.#inWindow += 1;
    return true;
  }
}
