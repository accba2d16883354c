import { PluginError } from '../errors.js';

/** A queued call's way out before its turn: its caller's signal, and how long it may wait. */
export interface QueueExit {
  readonly signal?: AbortSignal | undefined;
  /** Past this, the call is dropped with PLUGIN_OVERLOADED. */
  readonly waitMs: number;
}

interface Waiter {
  /** False once the call has its slot or has left the queue. */
  waiting: boolean;
  readonly grant: () => void;
}

/** The error of a call whose caller's signal aborted. */
export function cancelled(where: string): PluginError {
  return new PluginError('PLUGIN_CANCELLED', `the caller cancelled the call ${where}`);
}

/**
 * A concurrency limit with a bounded FIFO queue: `limit` calls run at once, `maxQueued` more
 * wait their turn, and one more is refused at once with PLUGIN_OVERLOADED. A waiting call leaves
 * the queue when its signal aborts (PLUGIN_CANCELLED) or it has waited `waitMs`
 * (PLUGIN_OVERLOADED); its place goes to the next one.
 */
export class CallQueue {
  readonly #limit: number;
  readonly #maxQueued: number;
  #active = 0;
  #queued = 0;
  #waiting: Waiter[] = [];
  #head = 0;

  constructor(limit: number, maxQueued: number) {
    this.#limit = limit;
    this.#maxQueued = maxQueued;
  }

  get active(): number {
    return this.#active;
  }

  get queued(): number {
    return this.#queued;
  }

  /** Takes a slot: true when one was free, a promise of it when queued; throws when full. */
  acquire(exit?: QueueExit): true | Promise<void> {
    if (this.#active < this.#limit && this.#queued === 0) {
      this.#active += 1;
      return true;
    }
    if (this.#queued >= this.#maxQueued) {
      throw new PluginError(
        'PLUGIN_OVERLOADED',
        `${this.#active} calls are running and ${this.#queued} waiting, the most this plugin queues`,
        {
          details: { running: this.#active, queued: this.#queued, maxQueuedCalls: this.#maxQueued },
        },
      );
    }
    return this.#wait(exit);
  }

  #wait(exit: QueueExit | undefined): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const leave = (error: PluginError) => {
        if (!waiter.waiting) return;
        waiter.waiting = false;
        this.#queued -= 1;
        this.#compact();
        done();
        reject(error);
      };
      const onAbort = () => leave(cancelled('while it waited in the queue'));
      const timer =
        exit === undefined
          ? undefined
          : setTimeout(() => leave(queueTimeout(exit.waitMs)), exit.waitMs);
      const done = () => {
        clearTimeout(timer);
        exit?.signal?.removeEventListener('abort', onAbort);
      };
      const waiter: Waiter = {
        waiting: true,
        grant: () => {
          done();
          resolve();
        },
      };
      this.#waiting.push(waiter);
      this.#queued += 1;
      exit?.signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** Gives a slot back; the longest-waiting call still in the queue takes it. */
  release(): void {
    const next = this.#next();
    if (next === undefined) {
      this.#active -= 1;
      return;
    }
    next.waiting = false;
    this.#queued -= 1;
    next.grant();
  }

  /** Calls that left the queue stay in the list until their turn: forget them when they pile up. */
  #compact(): void {
    if (this.#waiting.length - this.#head <= 2 * this.#queued + 64) return;
    this.#waiting = this.#waiting.slice(this.#head).filter((waiter) => waiter.waiting);
    this.#head = 0;
  }

  #next(): Waiter | undefined {
    let next: Waiter | undefined;
    while (next === undefined && this.#head < this.#waiting.length) {
      const candidate = this.#waiting[this.#head]!;
      this.#head += 1;
      if (candidate.waiting) next = candidate;
    }
    // Drop the ones already served now and then, so a queue that never empties stays small.
    if (this.#head === this.#waiting.length || this.#head >= 64) {
      this.#waiting.splice(0, this.#head);
      this.#head = 0;
    }
    return next;
  }
}

function queueTimeout(waitMs: number): PluginError {
  return new PluginError(
    'PLUGIN_OVERLOADED',
    `the call waited ${waitMs} ms in the queue without a free worker or child`,
    { details: { queueTimeoutMs: waitMs } },
  );
}
