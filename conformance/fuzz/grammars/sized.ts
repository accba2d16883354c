import type { Arbitrary } from 'fast-check';
import type { FastCheckApi } from '../grammar.js';

/**
 * The size distribution every built-in byte grammar uses: six in ten inputs of at most 64
 * bytes, three in ten of at most 1 KiB, one in ten up to the budget, each capped by the budget.
 */
export function sizeTiers(maxSize: number): readonly { weight: number; maxLength: number }[] {
  return [
    { weight: 6, maxLength: Math.min(64, maxSize) },
    { weight: 3, maxLength: Math.min(1024, maxSize) },
    { weight: 1, maxLength: maxSize },
  ];
}

/** One arbitrary per size tier, mixed by the tiers' weights. */
export function sized<T>(
  fc: FastCheckApi,
  maxSize: number,
  make: (maxLength: number) => Arbitrary<T>,
): Arbitrary<T> {
  return fc.oneof(
    ...sizeTiers(maxSize).map(({ weight, maxLength }) => ({ weight, arbitrary: make(maxLength) })),
  );
}

/** Cuts UTF-8 bytes to at most `max` bytes without splitting a character. */
export function truncateUtf8(bytes: Uint8Array, max: number): Uint8Array {
  if (bytes.length <= max) return bytes;
  let end = max;
  while (end > 0 && (bytes[end]! & 0xc0) === 0x80) end -= 1;
  return bytes.subarray(0, end);
}

const encoder = new TextEncoder();

/** UTF-8 text of at most `maxLength` bytes, ASCII-heavy, with any Unicode mixed in. */
export function utf8Text(fc: FastCheckApi, maxLength: number): Arbitrary<Uint8Array> {
  const text = (unit: 'grapheme-ascii' | 'binary-ascii' | 'grapheme' | 'binary') =>
    fc
      .string({ unit, maxLength, size: 'max' })
      .map((value) => truncateUtf8(encoder.encode(value), maxLength));
  return fc.oneof(
    { weight: 3, arbitrary: fc.oneof(text('grapheme-ascii'), text('binary-ascii')) },
    { weight: 1, arbitrary: fc.oneof(text('grapheme'), text('binary')) },
  );
}
