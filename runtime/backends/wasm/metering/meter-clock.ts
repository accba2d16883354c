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
  #deadline = Number.POSITIVE_INFINITY;
  #timeoutMs = 0;
  #during = '';
  #signal: AbortSignal | undefined;
  #stopped: PluginError | undefined;

  constructor() {
    this.imports = { [METER_IMPORT.module]: { [METER_IMPORT.name]: () => this.#check() } };
  }

  /** Runs `run` with a deadline `timeoutMs` from now, stopped early once `signal` aborts. */
  time<T>(timeoutMs: number, signal: AbortSignal | undefined, during: string, run: () => T): T {
    if (signal?.aborted) throw cancelled(during);
    this.#deadline = performance.now() + timeoutMs;
    this.#timeoutMs = timeoutMs;
    this.#during = during;
    this.#signal = signal;
    this.#stopped = undefined;
    try {
      return run();
    } catch (error) {
      throw this.#stopped ?? error;
    } finally {
      this.#deadline = Number.POSITIVE_INFINITY;
      this.#signal = undefined;
      this.#stopped = undefined;
    }
  }

  #check(): number {
    if (this.#stopped !== undefined) return 0;
    if (this.#signal?.aborted) this.#stopped = cancelled(this.#during);
    else if (performance.now() > this.#deadline) {
      this.#stopped = new PluginError(
        'PLUGIN_TIMEOUT',
        `${this.#during} ran past ${this.#timeoutMs} ms and was stopped`,
        { details: { timeoutMs: this.#timeoutMs } },
      );
    }
    return this.#stopped === undefined ? TICKS_PER_CHECK : 0;
  }
}

function cancelled(during: string): PluginError {
  return new PluginError('PLUGIN_CANCELLED', `${during} was cancelled by its signal`);
}
