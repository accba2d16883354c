/** Inputs the content shrinker may try: each try runs every artifact once. */
export const CONTENT_SHRINK_BUDGET = 600;
/** Regions smaller than this share of the input are not zeroed one by one. */
const FINEST_REGION_SHARE = 64;

export interface ContentShrink {
  /** The simplest diverging input found: simplified content, cut to `minLength`. */
  readonly input: Uint8Array;
  /** The shortest prefix of the simplified input that still diverges. */
  readonly minLength: number;
  readonly distinctBytes: number;
  /** Inputs tried. */
  readonly tries: number;
}

type Diverges = (input: Uint8Array) => Promise<boolean>;

export function distinctBytes(bytes: Uint8Array): number {
  return new Set(bytes).size;
}

class Search {
  tries = 0;
  constructor(
    public best: Uint8Array,
    readonly diverges: Diverges,
  ) {}

  /** Tries a candidate within the budget; keeps it when it still diverges. */
  async attempt(candidate: Uint8Array): Promise<boolean> {
    if (this.tries >= CONTENT_SHRINK_BUDGET) return false;
    this.tries += 1;
    if (!(await this.diverges(candidate))) return false;
    this.best = candidate;
    return true;
  }
}

/** The whole input as its first `period` bytes repeated: the shortest period that diverges. */
async function repeatPeriod(search: Search): Promise<void> {
  const { best } = search;
  for (let period = 1; period <= best.length / 2; period *= 2) {
    const candidate = new Uint8Array(best.length);
    for (let at = 0; at < best.length; at += period)
      candidate.set(best.subarray(0, Math.min(period, best.length - at)), at);
    if (await search.attempt(candidate)) return;
  }
}

/** Zeroes halves, quarters... of the input, keeping each zeroing that still diverges. */
async function zeroRegions(search: Search): Promise<void> {
  const length = search.best.length;
  const finest = Math.max(1, Math.floor(length / FINEST_REGION_SHARE));
  for (let size = Math.ceil(length / 2); size >= finest; size = Math.floor(size / 2)) {
    for (let start = 0; start < length; start += size) {
      const region = search.best.subarray(start, start + size);
      if (region.every((byte) => byte === 0)) continue;
      const candidate = search.best.slice();
      candidate.fill(0, start, start + size);
      await search.attempt(candidate);
    }
    if (size === 1) break;
  }
}

/** Replaces each byte value, rarest first, by the most common one: fewer distinct bytes. */
async function fewerValues(search: Search): Promise<void> {
  const counts = new Map<number, number>();
  for (const byte of search.best) counts.set(byte, (counts.get(byte) ?? 0) + 1);
  const byCount = [...counts].sort((a, b) => a[1] - b[1] || a[0] - b[0]).map(([value]) => value);
  const common = byCount.at(-1);
  if (common === undefined) return;
  for (const value of byCount.slice(0, -1)) {
    const candidate = search.best.map((byte) => (byte === value ? common : byte));
    await search.attempt(candidate);
  }
}

/** Zeroes the bytes left one at a time, when few are left. */
async function zeroSingles(search: Search): Promise<void> {
  const left = [...search.best.keys()].filter((index) => search.best[index] !== 0);
  if (left.length > FINEST_REGION_SHARE) return;
  for (const index of left) {
    const candidate = search.best.slice();
    candidate[index] = 0;
    await search.attempt(candidate);
  }
}

/** The shortest prefix that diverges, by bisection (divergence is assumed to persist as inputs grow). */
async function shortestPrefix(search: Search): Promise<void> {
  let diverging = search.best.length;
  let agreeing = -1;
  while (diverging - agreeing > 1 && search.tries < CONTENT_SHRINK_BUDGET) {
    const middle = Math.floor((agreeing + diverging) / 2);
    const before = search.best;
    if (await search.attempt(before.subarray(0, middle))) {
      search.best = before;
      diverging = middle;
    } else agreeing = middle;
  }
  search.best = search.best.slice(0, diverging);
}

/**
 * Simplifies a diverging input that fast-check could not make shorter: repeats a short period,
 * zeroes regions, merges byte values, then finds the shortest prefix that still diverges.
 * Every step keeps a candidate only if the artifacts still disagree on it.
 */
export async function shrinkContent(input: Uint8Array, diverges: Diverges): Promise<ContentShrink> {
  const search = new Search(input, diverges);
  await repeatPeriod(search);
  await zeroRegions(search);
  await fewerValues(search);
  await zeroSingles(search);
  await shortestPrefix(search);
  return {
    input: search.best,
    minLength: search.best.length,
    distinctBytes: distinctBytes(search.best),
    tries: search.tries,
  };
}
