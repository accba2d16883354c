import type { Traffic } from './traffic.js';

/** Reads one request header (lower-case name); undefined when absent. */
export type HeaderLookup = (name: string) => string | undefined;

/** FNV-1a, 32 bits: a stable, fast hash for sticky keys (not for secrets). */
export function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < text.length; index += 1) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** Newest first, so that a growing canary weight only ever moves keys onto the canary. */
function bySemverDescending(a: string, b: string): number {
  const pa = a.split(/[.+-]/).map(Number);
  const pb = b.split(/[.+-]/).map(Number);
  for (let index = 0; index < 3; index += 1) {
    const diff = (pb[index] ?? 0) - (pa[index] ?? 0);
    if (diff !== 0) return diff;
  }
  return b.localeCompare(a);
}

/**
 * Chooses the version a request goes to, among `loaded` (the semantic versions that can serve
 * now): the first matching rule, else a weighted draw (sticky when the sticky header is sent),
 * else undefined, which means the active version.
 */
export function pickVersion(
  traffic: Traffic,
  loaded: readonly string[],
  header: HeaderLookup,
  random: () => number = Math.random,
): string | undefined {
  for (const rule of traffic.rules ?? []) {
    if (header(rule.header) === rule.value && loaded.includes(rule.version)) return rule.version;
  }
  const weights = traffic.weights;
  if (weights === undefined) return undefined;
  const candidates = loaded
    .filter((version) => (weights[version] ?? 0) > 0)
    .sort(bySemverDescending);
  const total = candidates.reduce((sum, version) => sum + weights[version]!, 0);
  if (total === 0) return undefined;
  const key = traffic.stickyHeader === undefined ? undefined : header(traffic.stickyHeader);
  let point = key === undefined ? Math.floor(random() * total) : fnv1a(key) % total;
  for (const version of candidates) {
    point -= weights[version]!;
    if (point < 0) return version;
  }
  return candidates.at(-1);
}
