import { ExponentialBackoff, handleWhen, retry, TimeoutStrategy, timeout, wrap } from 'cockatiel';

/**
 * Errors a JetStream cluster gives while it heals: a node gone, a meta or stream leader being
 * elected again (no responders, "jetstream is not enabled", a request timing out, the API's
 * 503). Each clears by itself within seconds; a compare-and-set conflict or a missing key is an
 * answer and is never retried.
 */
const TRANSIENT_NAMES: ReadonlySet<string> = new Set([
  'TimeoutError',
  'NoRespondersError',
  'JetStreamNotEnabled',
  'ConnectionError',
  'RequestError',
]);
const TEMPORARILY_UNAVAILABLE = 10008;

export function isTransientJetStreamError(error: Error): boolean {
  if (TRANSIENT_NAMES.has(error.name)) return true;
  const api = error as Error & { status?: number; code?: number };
  return api.status === 503 || api.code === TEMPORARILY_UNAVAILABLE;
}

/** How long a store operation keeps trying through a leader election before it gives up. */
export const JETSTREAM_RETRY_ATTEMPTS = 30;

/**
 * The whole budget, attempts included: with the client disconnected each attempt waits for
 * its request timeout (5 s), so 30 attempts alone could hold a plugin's rollout for minutes.
 */
export const JETSTREAM_RETRY_BUDGET_MS = 30_000;

const policy = wrap(
  timeout(JETSTREAM_RETRY_BUDGET_MS, TimeoutStrategy.Aggressive),
  retry(handleWhen(isTransientJetStreamError), {
    maxAttempts: JETSTREAM_RETRY_ATTEMPTS,
    backoff: new ExponentialBackoff({ initialDelay: 50, maxDelay: 1000 }),
  }),
);

/** Runs one JetStream operation, again while the cluster heals, at most 30 s in all. */
export function withJetStreamRetry<T>(operation: () => Promise<T>): Promise<T> {
  return policy.execute(operation);
}
