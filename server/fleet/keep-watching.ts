import { withJetStreamRetry } from './jetstream-retry.js';

/** How long a watch that ended waits before it is opened again. */
const REOPEN_MS = 250;

/**
 * Follows a JetStream watch until `closed()`: each item goes to `each`; a watch that ends or
 * fails (the connection lost) is opened again. `stopped` hears why it failed.
 */
export async function keepWatching<T>(
  closed: () => boolean,
  open: () => Promise<AsyncIterable<T>>,
  each: (item: T) => void,
  stopped?: (error: unknown) => void,
): Promise<void> {
  while (!closed()) {
    try {
      const watch = await withJetStreamRetry(open);
      for await (const item of watch) {
        if (closed()) break;
        each(item);
      }
    } catch (error) {
      if (!closed()) stopped?.(error);
    }
    if (!closed()) await new Promise((resolve) => setTimeout(resolve, REOPEN_MS).unref());
  }
}
