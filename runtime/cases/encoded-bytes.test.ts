import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeBytes } from './encoded-bytes.js';

function naiveRepeat(text: string, count: number): Uint8Array {
  const unit = new TextEncoder().encode(text);
  const bytes = new Uint8Array(unit.length * count);
  for (let index = 0; index < count; index += 1) bytes.set(unit, index * unit.length);
  return bytes;
}

describe('{ repeat, count }', () => {
  it('equals the unit written count times, for any unit and count', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 7 }), fc.integer({ min: 0, max: 600 }), (text, count) => {
        const decoded = decodeBytes({ repeat: text, count }, '.', 'test');
        expect(Buffer.from(decoded).equals(naiveRepeat(text, count))).toBe(true);
      }),
    );
  });

  it('builds a megabyte of multi-byte text exactly', () => {
    const decoded = decodeBytes({ repeat: 'é€x', count: 200_003 }, '.', 'test');
    expect(Buffer.from(decoded).equals(naiveRepeat('é€x', 200_003))).toBe(true);
  });
});
