import { PluginError } from '../errors.js';
import { startTimer } from './timer.js';

type Abandon = (error: PluginError) => void;

/** How a wait for the leases to end finished. */
export type DrainOutcome = 'drained' | 'timeout' | 'cancelled';

/**
 * The calls running on one version. Each call holds a lease from the moment it is routed to the
 * version until the plugin's call settles; a version is only closed once its leases are gone or
 * its drain timeout passed. At the timeout the callers still waiting are released with
 * PLUGIN_DRAIN_TIMEOUT (`abandonAll`), while the lease itself stays counted until the plugin's
 * call really ends, so that the plugin is not unloaded under it.
 */
/** Orders uses across every version exactly (Date.now() ties within a millisecond). */
let useSeq = 0;

export class Leases {
  #count = 0;
  #lastReleased = Date.now();
  #lastUse = ++useSeq;
  readonly #abandoners = new Set<Abandon>();
  #waiters: ((outcome: DrainOutcome) => void)[] = [];

  /** Leases held right now. */
  get count(): number {
    return this.#count;
  }

  /** Date.now() when the last lease ended (or when the set was made). */
  get lastReleased(): number {
    return this.#lastReleased;
  }

  /** Takes a lease synchronously, runs `call`, and releases the lease when it settles. */
  run(call: () => Promise<Uint8Array>): Promise<Uint8Array> {
    this.#count += 1;
    let running: Promise<Uint8Array>;
    try {
      running = call();
    } catch (error) {
      running = Promise.reject(error);
    }
    return new Promise<Uint8Array>((resolve, reject) => {
      const abandon: Abandon = (error) => {
        if (this.#abandoners.delete(abandon)) reject(error);
      };
      this.#abandoners.add(abandon);
      running.then(
        (output) => {
          this.#release();
          if (this.#abandoners.delete(abandon)) resolve(output);
        },
        (error: unknown) => {
          this.#release();
          if (this.#abandoners.delete(abandon)) reject(error);
        },
      );
    });
  }

  /** Resolves once no lease is held, or after `timeoutMs` (Infinity: never), or on `cancel`. */
  whenDrained(timeoutMs: number): Promise<DrainOutcome> {
    if (this.#count === 0) return Promise.resolve('drained');
    return new Promise((resolve) => {
      const timer = startTimer(timeoutMs, () => finish('timeout'));
      const finish = (outcome: DrainOutcome) => {
        clearTimeout(timer);
        this.#waiters = this.#waiters.filter((waiter) => waiter !== finish);
        resolve(outcome);
      };
      this.#waiters.push(finish);
    });
  }

  /** Ends every pending `whenDrained` wait with `cancelled` (the version is serving again). */
  cancelDrain(): void {
    for (const waiter of [...this.#waiters]) waiter('cancelled');
  }

  /** Rejects every caller still waiting with a PLUGIN_DRAIN_TIMEOUT error; returns how many. */
  abandonAll(message: string): number {
    const abandoners = [...this.#abandoners];
    for (const abandon of abandoners) abandon(new PluginError('PLUGIN_DRAIN_TIMEOUT', message));
    return abandoners.length;
  }

  /** A sequence number of the last lease's end (or of the set's making): larger is more recent. */
  get lastUse(): number {
    return this.#lastUse;
  }

  #release(): void {
    this.#count -= 1;
    this.#lastReleased = Date.now();
    this.#lastUse = ++useSeq;
    if (this.#count === 0) for (const waiter of [...this.#waiters]) waiter('drained');
  }
}
