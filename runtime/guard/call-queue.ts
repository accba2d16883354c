import { PluginError } from '../errors.js';

/**
 * A concurrency limit with a bounded FIFO queue: `limit` calls run at once, `maxQueued` more
 * wait their turn, and one more is refused at once with PLUGIN_OVERLOADED.
 */
export class CallQueue {
  readonly #limit: number;
  readonly #maxQueued: number;
  #active = 0;
  readonly #waiting: (() => void)[] = [];
  #head = 0;

  constructor(limit: number, maxQueued: number) {
    this.#limit = limit;
    this.#maxQueued = maxQueued;
  }

  get active(): number {
    return this.#active;
  }

  get queued(): number {
    return this.#waiting.length - this.#head;
  }

  /** Takes a slot: true when one was free, a promise of it when queued; throws when full. */
  acquire(): true | Promise<void> {
    if (this.#active < this.#limit && this.queued === 0) {
      this.#active += 1;
      return true;
    }
    if (this.queued >= this.#maxQueued) {
      throw new PluginError(
        'PLUGIN_OVERLOADED',
        `${this.#active} calls are running and ${this.queued} waiting, the most this plugin queues`,
        {
          details: { running: this.#active, queued: this.queued, maxQueuedCalls: this.#maxQueued },
        },
      );
    }
    return new Promise<void>((resolve) => {
      this.#waiting.push(resolve);
    });
  }

  /** Gives a slot back; the longest-waiting call takes it. */
  release(): void {
    if (this.queued === 0) {
      this.#active -= 1;
      return;
    }
    const next = this.#waiting[this.#head]!;
    this.#head += 1;
    // Drop the ones already served now and then, so a queue that never empties stays small.
    if (this.#head === this.#waiting.length || this.#head >= 64) {
      this.#waiting.splice(0, this.#head);
      this.#head = 0;
    }
    next();
  }
}
