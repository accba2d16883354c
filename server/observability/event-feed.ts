/** A swap, rollback or failure, as the dashboard and the admin API show it. */
export interface FeedEvent {
  readonly type:
    | 'loaded'
    | 'swapped'
    | 'rolled-back'
    | 'canary-step'
    | 'promoted'
    | 'load-failed'
    | 'removed'
    | 'unloaded'
    | 'traffic-set'
    | 'withdrawn';
  readonly plugin: string;
  readonly time: number;
  readonly message: string;
  readonly from?: string | undefined;
  readonly to?: string | undefined;
  readonly trigger?: 'automatic' | 'manual' | undefined;
}

/** The latest events, newest last, bounded. */
export class EventFeed {
  readonly #events: FeedEvent[] = [];
  readonly #listeners = new Set<(event: FeedEvent) => void>();
  readonly #limit: number;

  constructor(limit = 100) {
    this.#limit = limit;
  }

  push(event: FeedEvent): void {
    this.#events.push(event);
    if (this.#events.length > this.#limit) this.#events.shift();
    for (const listener of this.#listeners) listener(event);
  }

  /** Calls `listener` with every event pushed from now on; returns the unsubscribe. */
  subscribe(listener: (event: FeedEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** The latest `count` events, newest first. */
  latest(count = 20): FeedEvent[] {
    return this.#events.slice(-count).reverse();
  }
}
