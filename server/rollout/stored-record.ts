import { parseTraffic, type Traffic } from '../routing/traffic.js';
import type { StoredCanary, StoredRollout, WithdrawnBuild } from './control-store.js';

// A record read from the store (the routing file, a fleet's bucket) is checked, never trusted.

/** Traffic read from the store, checked as strictly as the admin API's (else none). */
export function storedTraffic(traffic: unknown): Traffic {
  try {
    return traffic === undefined ? {} : parseTraffic(traffic);
  } catch {
    return {};
  }
}

/** A record's canary progress, when well formed (the store is read, never trusted). */
export function storedCanary(record: StoredRollout): StoredCanary | undefined {
  const canary: unknown = record.canary;
  if (typeof canary !== 'object' || canary === null) return undefined;
  const { sha256, weight, promoted } = canary as Record<string, unknown>;
  if (typeof sha256 !== 'string' || typeof weight !== 'number' || !(weight >= 0 && weight <= 100))
    return undefined;
  return { sha256, weight, promoted: promoted === true };
}

/** The withdrawn builds of a record; a routing file of an older twinplug listed `rejected` sha256s. */
export function storedWithdrawn(record: StoredRollout): readonly WithdrawnBuild[] {
  if (Array.isArray(record.withdrawn)) return record.withdrawn;
  const rejected = (record as { rejected?: unknown }).rejected;
  if (!Array.isArray(rejected)) return [];
  return rejected
    .filter((sha256): sha256 is string => typeof sha256 === 'string')
    .map((sha256) => ({ sha256, version: undefined, backend: undefined, reason: 'rolled back' }));
}
