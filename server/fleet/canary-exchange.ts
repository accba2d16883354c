import type { KV, KvEntry } from '@nats-io/kv';
import type { CanaryExchange, CanaryTotals } from '../rollout/control-store.js';
import { pluginToken } from './control-keys.js';
import { keepWatching } from './keep-watching.js';

/** How long a node's totals count without being published again (the bucket's max_age too). */
export const CANARY_TTL_MS = 10_000;
/** A node publishes unchanged totals again after this long, so they stay fresh elsewhere. */
const REFRESH_MS = CANARY_TTL_MS / 3;

interface Published {
  readonly sha256: string;
  readonly calls: number;
  readonly faults: number;
}

function parse(entry: KvEntry): Published | undefined {
  if (entry.operation !== 'PUT') return undefined;
  try {
    const { sha256, calls, faults } = entry.json<Record<string, unknown>>();
    if (typeof sha256 !== 'string' || !Number.isSafeInteger(calls) || !Number.isSafeInteger(faults))
      return undefined;
    if ((calls as number) < 0 || (faults as number) < 0 || (faults as number) > (calls as number))
      return undefined;
    return { sha256, calls: calls as number, faults: faults as number };
  } catch {
    return undefined;
  }
}

/**
 * The fleet's canary counts: every node puts its canary window's totals under its own key of
 * the canary bucket (at most once per judging tick, when they changed or grow stale) and
 * follows the bucket's watch, so the sum over the other nodes is read from memory, never from
 * the store, when a call faults. Key `<plugin>.<node>`: a plugin's dots written as in the
 * control bucket (`=2E`).
 */
export class NatsCanaryExchange implements CanaryExchange {
  readonly #node: string;
  /** Other nodes' latest totals by key, with when this node received them. */
  readonly #seen = new Map<string, Published & { readonly at: number }>();
  readonly #sent = new Map<string, { readonly value: string; readonly at: number }>();
  #kv: KV | undefined;
  #closed = false;

  constructor(node: string) {
    this.#node = node;
  }

  /** Starts publishing and following once the bucket is open. */
  attach(kv: KV): void {
    this.#kv = kv;
    void this.#watch(kv);
  }

  publish(name: string, sha256: string, totals: CanaryTotals): void {
    const kv = this.#kv;
    if (kv === undefined || this.#closed) return;
    const key = `${pluginToken(name)}.${this.#node}`;
    const value = JSON.stringify({ sha256, calls: totals.calls, faults: totals.faults });
    const sent = this.#sent.get(key);
    const now = Date.now();
    if (sent?.value === value && now - sent.at < REFRESH_MS) return;
    this.#sent.set(key, { value, at: now });
    void kv.put(key, value).catch(() => this.#sent.delete(key));
  }

  retire(name: string): void {
    const key = `${pluginToken(name)}.${this.#node}`;
    if (!this.#sent.delete(key)) return;
    void this.#kv?.delete(key).catch(() => {});
  }

  elsewhere(name: string, sha256: string): CanaryTotals {
    const prefix = `${pluginToken(name)}.`;
    const now = Date.now();
    let calls = 0;
    let faults = 0;
    for (const [key, seen] of this.#seen) {
      if (!key.startsWith(prefix) || seen.sha256 !== sha256 || now - seen.at > CANARY_TTL_MS)
        continue;
      calls += seen.calls;
      faults += seen.faults;
    }
    return { calls, faults };
  }

  #watch(kv: KV): Promise<void> {
    const mine = `.${this.#node}`;
    return keepWatching(
      () => this.#closed,
      () => kv.watch({ key: '>' }),
      (entry) => {
        if (entry.key.endsWith(mine)) return;
        const published = parse(entry);
        if (published === undefined) this.#seen.delete(entry.key);
        else this.#seen.set(entry.key, { ...published, at: Date.now() });
      },
    );
  }

  close(): void {
    this.#closed = true;
  }
}
