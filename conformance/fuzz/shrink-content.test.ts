import { describe, expect, it } from 'vitest';
import { CONTENT_SHRINK_BUDGET, shrinkContent } from './shrink-content.js';

function noisy(length: number, seed: number): Uint8Array {
  const bytes = new Uint8Array(length);
  let state = seed;
  for (let index = 0; index < length; index += 1) {
    state = (state * 1103515245 + 12345) >>> 0;
    bytes[index] = state >>> 24;
  }
  return bytes;
}

describe('shrinkContent', () => {
  it('keeps the one byte that matters, zeroes the rest and finds the shortest diverging length', async () => {
    // Diverges from 700 bytes on, when byte 500 is "A": like a compressor whose tables change
    // past a size, on content that has to hold one particular byte.
    const input = noisy(4000, 7);
    input[500] = 0x41;
    const tried: number[] = [];
    const shrunk = await shrinkContent(input, async (candidate) => {
      tried.push(candidate.length);
      return candidate.length >= 700 && candidate[500] === 0x41;
    });
    expect(shrunk.minLength).toBe(700);
    expect(shrunk.input).toHaveLength(700);
    expect(shrunk.distinctBytes).toBe(2);
    expect(shrunk.input[500]).toBe(0x41);
    expect(shrunk.input.filter((byte) => byte !== 0)).toEqual(Uint8Array.of(0x41));
    expect(shrunk.tries).toBe(tried.length);
    expect(shrunk.tries).toBeLessThanOrEqual(CONTENT_SHRINK_BUDGET);
  });

  it('makes a divergence that needs only size a run of one byte value', async () => {
    const shrunk = await shrinkContent(
      noisy(70_000, 3),
      async (candidate) => candidate.length >= 65_547,
    );
    expect(shrunk.minLength).toBe(65_547);
    expect(shrunk.distinctBytes).toBe(1);
  });

  it('leaves an input alone when no simpler one diverges', async () => {
    const shrunk = await shrinkContent(
      Uint8Array.of(0xe0),
      async (candidate) => candidate[0] === 0xe0,
    );
    expect(shrunk.input).toEqual(Uint8Array.of(0xe0));
  });
});
