import { PluginError } from '../../../errors.js';
import { METER_IMPORT } from './meter.js';

/**
 * Ticks (function entries, loop iterations, 64-byte chunks of a bulk operation) between two
 * deadline checks. One check reads the clock and the signal (≈0.1 µs); 10,000 ticks of the
 * tightest loop take ≈10 µs, so the checks cost ≈1% and a deadline is seen within microseconds.
 */
export const TICKS_PER_CHECK = 10_000;

/**
 * The host half of metering for one plugin: the deadline and signal of the call running now,
 * read by the module through {@link METER_IMPORT} each time its allowance runs out. Answering
 * 0 makes the module trap; {@link MeterClock.stopReason} then says why.
 */
export class MeterClock {
  readonly imports: WebAssembly.Imports;
  /** NaN while armed and not read yet: the first check of a call reads the clock. */
  #deadline = Number.POSITIVE_INFINITY;
  #timeoutMs = 0;
  #during = '';
  #signal: AbortSignal | undefined;
  #stopped: PluginError | undefined;

  constructor() {
    this.imports = { [METER_IMPORT.module]: { [METER_IMPORT.name]: () => this.#check() } };
  }

  /**
   * Starts a call's deadline, `timeoutMs` from its first check: a call that ends within the
   * allowance it started with never reads the clock. The first check comes at most one
   * allowance ({@link TICKS_PER_CHECK} ticks) after the call starts, so the deadline is late by
   * that much at most (microseconds for ordinary code). Throws PLUGIN_CANCELLED when `signal`
   * has already aborted.
   */
  arm(timeoutMs: number, signal: AbortSignal | undefined, during: string): void {
    if (signal?.aborted) throw cancelled(during);
    this.#deadline = Number.NaN;
    this.#timeoutMs = timeoutMs;
    this.#during = during;
    this.#signal = signal;
    this.#stopped = undefined;
  }

  /** Ends the call's deadline; returns why the meter stopped the module, if it did. */
  disarm(): PluginError | undefined {
    const stopped = this.#stopped;
    this.#deadline = Number.POSITIVE_INFINITY;
    this.#signal = undefined;
    this.#stopped = undefined;
    return stopped;
  }

  /** Runs `run` armed; a trap the meter caused is rethrown as the meter's reason. */
  time<T>(timeoutMs: number, signal: AbortSignal | undefined, during: string, run: () => T): T {
    this.arm(timeoutMs, signal, during);
    let result: T;
    try {
      result = run();
    } catch (error) {
      throw this.disarm() ?? error;
    }
    this.disarm();
    return result;
  }

  #check(): number {
    if (this.#stopped !== undefined) return 0;
    if (this.#signal?.aborted) this.#stopped = cancelled(this.#during);
    else {
      const now = performance.now();
      if (Number.isNaN(this.#deadline)) this.#deadline = now + this.#timeoutMs;
      else if (now > this.#deadline) {
        this.#stopped = new PluginError(
          'PLUGIN_TIMEOUT',
          `${this.#during} ran past ${this.#timeoutMs} ms and was stopped`,
          { details: { timeoutMs: this.#timeoutMs } },
        );
      }
    }
    return this.#stopped === undefined ? TICKS_PER_CHECK : 0;
  }
}

function cancelled(during: string): PluginError {
  return new PluginError('PLUGIN_CANCELLED', `${during} was cancelled by its signal`);
}
