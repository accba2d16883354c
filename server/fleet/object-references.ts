import type { KV } from '@nats-io/kv';
import { nameOf, PLUGIN_KEYS } from './control-keys.js';
import { withJetStreamRetry } from './jetstream-retry.js';

/** An object's name: the sha256 of its bytes, wherever a record holds one. */
const SHA256_ANYWHERE = /[0-9a-f]{64}/g;

/**
 * Adds every sha256 the text holds, wherever it sits: the active and previous build of each
 * backend, the canary, the last command's `sha256` and `from`, the withdrawn builds, and any
 * field a later version adds. Reading more than is needed only keeps more objects.
 */
export function addNamesIn(text: string, names: Set<string>): void {
  for (const [name] of text.matchAll(SHA256_ANYWHERE)) names.add(name);
}

/** What the control bucket names now: every object a plugin's key mentions, and the plugins. */
export interface NamedObjects {
  readonly names: ReadonlySet<string>;
  readonly plugins: ReadonlySet<string>;
}

/**
 * Reads every plugin's key from the bucket itself (never a node's copy, which may be old): a
 * key that cannot be read throws, so nothing is decided on part of the bucket.
 */
export async function readNamedObjects(kv: KV): Promise<NamedObjects> {
  const keys = await withJetStreamRetry(async () => {
    const found: string[] = [];
    for await (const key of await kv.keys(PLUGIN_KEYS)) found.push(key);
    return found;
  });
  const names = new Set<string>();
  const plugins = new Set<string>();
  const decoder = new TextDecoder();
  for (const key of keys) {
    const entry = await withJetStreamRetry(() => kv.get(key));
    if (entry === null || entry.operation !== 'PUT') continue;
    plugins.add(nameOf(key));
    addNamesIn(decoder.decode(entry.value), names);
  }
  return { names, plugins };
}
