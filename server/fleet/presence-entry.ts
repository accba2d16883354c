import type { PluginView } from '../service/describe.js';

/** What a node says about itself (nats-server 2.9 has no per-key TTL: the bucket's max_age). */
export interface NodePresence {
  readonly id: string;
  readonly host: string;
  readonly pid: number;
  readonly startedAt: number;
  readonly at: number;
  readonly plugins: readonly {
    readonly name: string;
    readonly active: string | undefined;
    readonly versions: readonly Pick<
      PluginView['versions'][number],
      'version' | 'backend' | 'isolation' | 'state' | 'calls' | 'errors' | 'faults'
    >[];
  }[];
}

/** The longest string kept from an entry (host names are at most 253). */
export const MAX_PRESENCE_TEXT = 256;
/** The most plugins per node, and versions per plugin, kept from an entry. */
export const MAX_PRESENCE_ITEMS = 1000;

type Fields = (key: string) => unknown;

/** An object's own fields: an inherited `constructor` or a `__proto__` is no field. */
function fields(value: unknown): Fields | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const record = value as Record<string, unknown>;
  return (key) => (Object.hasOwn(record, key) ? record[key] : undefined);
}

const list = (value: unknown): unknown[] =>
  Array.isArray(value) ? value.slice(0, MAX_PRESENCE_ITEMS) : [];
const text = (value: unknown): string | undefined =>
  typeof value === 'string' ? value.slice(0, MAX_PRESENCE_TEXT) : undefined;
/** A finite number, else 0 (NaN and Infinity travel as null in JSON). */
const num = (value: unknown): number =>
  typeof value === 'number' && Number.isFinite(value) ? value : 0;
/** A count or a pid: a non-negative integer, else 0. */
const count = (value: unknown): number =>
  Number.isSafeInteger(value) && (value as number) >= 0 ? (value as number) : 0;

function version(value: unknown): NodePresence['plugins'][number]['versions'][number] {
  const v = fields(value) ?? (() => undefined);
  return {
    version: text(v('version')),
    backend: text(v('backend')),
    isolation: text(v('isolation')) ?? null,
    state: text(v('state')) ?? '',
    calls: count(v('calls')),
    errors: count(v('errors')),
    faults: count(v('faults')),
  };
}

function plugin(value: unknown): NodePresence['plugins'][number] {
  const p = fields(value) ?? (() => undefined);
  return {
    name: text(p('name')) ?? '',
    active: text(p('active')),
    versions: list(p('versions')).map(version),
  };
}

/**
 * A presence entry as read from the store, which any node (or anyone with the bucket's
 * credentials) writes: only the known fields, each forced to its type, strings and lists
 * bounded. Undefined for an entry that is not a JSON object.
 */
export function readPresence(bytes: Uint8Array): NodePresence | undefined {
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    return undefined;
  }
  const node = fields(value);
  if (node === undefined) return undefined;
  return {
    id: text(node('id')) ?? '',
    host: text(node('host')) ?? '',
    pid: count(node('pid')),
    startedAt: num(node('startedAt')),
    at: num(node('at')),
    plugins: list(node('plugins')).map(plugin),
  };
}
