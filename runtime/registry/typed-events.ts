/** Anything an {@link TypedEvents} hub carries: an object tagged with its `type`. */
export interface TaggedEvent {
  readonly type: string;
}

type Listener<E> = (event: E) => void;

/**
 * A small typed event hub: `on('activated', e => ...)` gets the `activated` event's type, and
 * `onAny` sees every event (for logging and metrics). A listener that throws does not disturb
 * the emitter or the other listeners: its error is rethrown on a later microtask, where it
 * surfaces as an uncaught exception like any other bug.
 */
export class TypedEvents<E extends TaggedEvent> {
  readonly #listeners = new Map<string, Set<Listener<never>>>();
  readonly #any = new Set<Listener<E>>();

  /** Subscribes to one event type; returns the unsubscribe function. */
  on<K extends E['type']>(type: K, listener: Listener<Extract<E, { type: K }>>): () => void {
    let set = this.#listeners.get(type);
    if (set === undefined) {
      set = new Set();
      this.#listeners.set(type, set);
    }
    set.add(listener as Listener<never>);
    return () => set.delete(listener as Listener<never>);
  }

  /** Subscribes to every event; returns the unsubscribe function. */
  onAny(listener: Listener<E>): () => void {
    this.#any.add(listener);
    return () => this.#any.delete(listener);
  }

  /**
   * Resolves with the first event of `type` that `match` accepts (default: the next one). The
   * listener stays until such an event comes: for tests and tools, not for open-ended waits.
   */
  next<K extends E['type']>(
    type: K,
    match: (event: Extract<E, { type: K }>) => boolean = () => true,
  ): Promise<Extract<E, { type: K }>> {
    return new Promise((resolve) => {
      const off = this.on(type, (event) => {
        if (!match(event)) return;
        off();
        resolve(event);
      });
    });
  }

  emit(event: E): void {
    const typed = this.#listeners.get(event.type);
    if (typed !== undefined) for (const listener of [...typed]) this.#deliver(listener, event);
    for (const listener of [...this.#any]) this.#deliver(listener, event);
  }

  #deliver(listener: Listener<never>, event: E): void {
    try {
      (listener as Listener<E>)(event);
    } catch (error) {
      queueMicrotask(() => {
        throw error;
      });
    }
  }
}
