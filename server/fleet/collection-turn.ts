import type { KV } from '@nats-io/kv';
import { isWrongRevision } from './control-writer.js';
import { withJetStreamRetry } from './jetstream-retry.js';

const TURN_KEY = 'turn';

function lastRun(value: Uint8Array): number | undefined {
  try {
    const { at } = JSON.parse(new TextDecoder().decode(value)) as { at?: unknown };
    return typeof at === 'number' && Number.isFinite(at) ? at : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Takes the fleet's turn to collect objects: true when no node took it within `intervalMs`
 * and this node's compare-and-set on the turn key (create, or update on the revision read)
 * won. Only thins the work out: a collection is safe whoever runs it, however many at once.
 * A turn dated in the future (a clock far ahead, a hand-written value) counts as stale.
 */
export async function takeTurn(
  kv: KV,
  node: string,
  intervalMs: number,
  now: number,
): Promise<boolean> {
  const entry = await withJetStreamRetry(() => kv.get(TURN_KEY));
  const value = JSON.stringify({ node, at: now });
  try {
    if (entry === null || entry.operation !== 'PUT') {
      await withJetStreamRetry(() => kv.create(TURN_KEY, value));
      return true;
    }
    const at = lastRun(entry.value);
    if (at !== undefined && at > now - intervalMs && at <= now + intervalMs) return false;
    await withJetStreamRetry(() => kv.update(TURN_KEY, value, entry.revision));
    return true;
  } catch (error) {
    if (isWrongRevision(error)) return false;
    throw error;
  }
}
