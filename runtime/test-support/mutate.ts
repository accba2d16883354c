/** A small seeded PRNG (mulberry32): the same seed gives the same artifacts on every machine. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Mutation = (bytes: Uint8Array, random: () => number) => Uint8Array;

const below = (random: () => number, limit: number) => Math.floor(random() * limit);

/** Places the loaders read first (headers, section and table sizes) are worth more mutations. */
function hotOffset(bytes: Uint8Array, random: () => number): number {
  return random() < 0.5 ? below(random, Math.min(bytes.length, 512)) : below(random, bytes.length);
}

const MUTATIONS: readonly Mutation[] = [
  // Data segments (PluginInfo's JSON, tables) sit near the end of a module and stay valid when
  // changed, so the module loads and its code meets the changed data.
  function changeTail(bytes, random) {
    const out = bytes.slice();
    const from = Math.floor(out.length * 0.7);
    for (let count = 1 + below(random, 4); count > 0; count -= 1)
      out[from + below(random, out.length - from)] = below(random, 256);
    return out;
  },
  function flipBits(bytes, random) {
    const out = bytes.slice();
    for (let count = 1 + below(random, 8); count > 0; count -= 1) {
      const at = hotOffset(out, random);
      out[at] = out[at]! ^ (1 << below(random, 8));
    }
    return out;
  },
  function setBytes(bytes, random) {
    const out = bytes.slice();
    const special = [0x00, 0x7f, 0x80, 0xff];
    for (let count = 1 + below(random, 4); count > 0; count -= 1)
      out[hotOffset(out, random)] =
        random() < 0.5 ? special[below(random, 4)]! : below(random, 256);
    return out;
  },
  function truncate(bytes, random) {
    return bytes.slice(0, below(random, bytes.length));
  },
  function cutOut(bytes, random) {
    const start = hotOffset(bytes, random);
    const end = Math.min(bytes.length, start + 1 + below(random, 64));
    return new Uint8Array([...bytes.subarray(0, start), ...bytes.subarray(end)]);
  },
  function insertBytes(bytes, random) {
    const at = hotOffset(bytes, random);
    const extra = Array.from({ length: 1 + below(random, 16) }, () => below(random, 256));
    return new Uint8Array([...bytes.subarray(0, at), ...extra, ...bytes.subarray(at)]);
  },
  function duplicateChunk(bytes, random) {
    const start = below(random, bytes.length);
    const chunk = bytes.subarray(start, start + 1 + below(random, 256));
    const at = below(random, bytes.length);
    return new Uint8Array([...bytes.subarray(0, at), ...chunk, ...bytes.subarray(at)]);
  },
];

/** One random mutation of `bytes` (never the same bytes: an unchanged result is mutated again). */
export function mutate(bytes: Uint8Array, random: () => number): Uint8Array {
  for (;;) {
    const mutation = MUTATIONS[below(random, MUTATIONS.length)]!;
    const out = mutation(bytes, random);
    if (out.length !== bytes.length || out.some((byte, index) => byte !== bytes[index])) return out;
  }
}

/** Runs `task` over `items` with at most `parallel` at once. */
export async function inParallel<T>(
  items: readonly T[],
  parallel: number,
  task: (item: T, index: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const index = next;
      next += 1;
      await task(items[index]!, index);
    }
  };
  await Promise.all(Array.from({ length: parallel }, lane));
}
