import koffi from 'koffi';
import { describe, expect, it } from 'vitest';
import { NativeMemory } from './native-memory.js';

/** Native memory the test owns, and its address as koffi hands it to a callback. */
function region(bytes: number[]): { buffer: Buffer; at: (offset: number) => bigint } {
  const buffer = Buffer.from(bytes);
  const base = koffi.address(buffer);
  return { buffer, at: (offset) => base + BigInt(offset) };
}

describe('NativeMemory, the host API over a native plugin’s pointers', () => {
  it('reads what the memory holds now, on every call, once the range has a view', () => {
    const memory = new NativeMemory();
    const { buffer, at } = region([1, 2, 3, 4, 5, 6, 7, 8]);
    // First sight copies, second makes the view, third reuses it.
    for (let round = 0; round < 4; round += 1) {
      buffer[0] = 10 + round;
      expect([...memory.read(at(0), 4)!]).toEqual([10 + round, 2, 3, 4]);
    }
    expect([...memory.read(at(0), 8)!]).toEqual([13, 2, 3, 4, 5, 6, 7, 8]);
    expect([...memory.read(at(2), 2)!]).toEqual([3, 4]);
  });

  it('writes through a view and through a copy alike, out_len in native byte order', () => {
    const memory = new NativeMemory();
    const { buffer, at } = region(new Array(16).fill(0));
    for (let round = 0; round < 4; round += 1) {
      expect(memory.writeU32(at(4), 0x01020300 + round)).toBe(true);
      expect(buffer.readUInt32LE(4)).toBe(0x01020300 + round);
      memory.write(at(8), Uint8Array.of(round, round + 1, round + 2));
      expect([...buffer.subarray(8, 11)]).toEqual([round, round + 1, round + 2]);
    }
    expect([...buffer.subarray(0, 4)]).toEqual([0, 0, 0, 0]);
    expect([...buffer.subarray(11)]).toEqual([0, 0, 0, 0, 0]);
  });

  it('keeps its views to a handful when every call passes a new range', () => {
    const memory = new NativeMemory();
    const { buffer, at } = region(Array.from({ length: 64 }, (_, index) => index));
    for (let round = 0; round < 3; round += 1)
      for (let offset = 0; offset < 40; offset += 1)
        expect([...memory.read(at(offset), 3)!]).toEqual([offset, offset + 1, offset + 2]);
    buffer[5] = 99;
    expect([...memory.read(at(5), 3)!]).toEqual([99, 6, 7]);
  });

  it('answers NULL as out of bounds and an empty range as empty', () => {
    const memory = new NativeMemory();
    expect(memory.read(null, 4)).toBeUndefined();
    expect(memory.read(0n, 4)).toBeUndefined();
    expect(memory.read(null, 0)).toHaveLength(0);
    expect(memory.writeU32(null, 1)).toBe(false);
    expect(memory.fits(null, 4)).toBe(false);
    expect(memory.fits(null, 0)).toBe(true);
  });
});
