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
  readonly #limit: number;

  constructor(limit = 100) {
    this.#limit = limit;
  }

  push(event: FeedEvent): void {
    this.#events.push(event);
    if (this.#events.length > this.#limit) this.#events.shift();
  }

  /** The latest `count` events, newest first. */
  latest(count = 20): FeedEvent[] {
    return this.#events.slice(-count).reverse();
  }
}
