import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { KV } from '@nats-io/kv';
import type { PluginView } from '../service/describe.js';
import { type NodePresence, readPresence } from './presence-entry.js';

export type { NodePresence } from './presence-entry.js';

/** How often a node writes its presence entry; the bucket's max_age drops it after 5 misses. */
export const PRESENCE_INTERVAL_MS = 2000;
export const PRESENCE_TTL_MS = PRESENCE_INTERVAL_MS * 5;

/** A node as the admin API shows it: silent when its last entry is older than two intervals. */
export type FleetNodeView = NodePresence & { readonly ageMs: number; readonly silent: boolean };

/** A node's id in the fleet: its presence and canary keys (KV key characters only). */
export function newNodeId(): string {
  const host = hostname().replace(/[^A-Za-z0-9_-]/g, '_');
  return `${host}-${process.pid}-${randomUUID().slice(0, 8)}`;
}

/** This node's presence entry, written every interval until stopped. */
export class Presence {
  readonly id: string;
  readonly #startedAt = Date.now();
  readonly #kv: KV;
  readonly #describe: () => PluginView[];
  readonly #timer: NodeJS.Timeout;

  constructor(id: string, kv: KV, describe: () => PluginView[]) {
    this.id = id;
    this.#kv = kv;
    this.#describe = describe;
    this.#timer = setInterval(() => void this.beat(), PRESENCE_INTERVAL_MS);
    this.#timer.unref();
    void this.beat();
  }

  async beat(): Promise<void> {
    const plugins = this.#describe().map((plugin) => ({
      name: plugin.name,
      active: plugin.active,
      versions: plugin.versions.map(
        ({ version, backend, isolation, state, calls, errors, faults }) => ({
          version,
          backend,
          isolation,
          state,
          calls,
          errors,
          faults,
        }),
      ),
    }));
    const entry: NodePresence = {
      id: this.id,
      host: hostname(),
      pid: process.pid,
      startedAt: this.#startedAt,
      at: Date.now(),
      plugins,
    };
    await this.#kv.put(`node.${this.id}`, JSON.stringify(entry)).catch(() => {});
  }

  stop(): void {
    clearInterval(this.#timer);
    void this.#kv.delete(`node.${this.id}`).catch(() => {});
  }
}

/** Every node with a live entry, oldest first; each entry as readPresence leaves it. */
export async function listNodes(kv: KV, now = Date.now()): Promise<FleetNodeView[]> {
  const nodes: FleetNodeView[] = [];
  for await (const key of await kv.keys('node.>')) {
    const entry = await kv.get(key);
    if (entry === null || entry.operation !== 'PUT') continue;
    const presence = readPresence(entry.value);
    if (presence === undefined) continue;
    const ageMs = now - presence.at;
    nodes.push({ ...presence, ageMs, silent: ageMs > 2 * PRESENCE_INTERVAL_MS });
  }
  return nodes.sort((a, b) => a.startedAt - b.startedAt);
}
