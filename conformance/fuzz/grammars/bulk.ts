import type { Arbitrary } from 'fast-check';
import type { FastCheckApi } from '../grammar.js';

/**
 * Inputs longer than this are filled from a seeded generator instead of byte by byte: fast-check
 * spends about a microsecond on each element of a uint8Array, which would make a 4 KiB input
 * cost more than the calls it feeds.
 */
export const BULK_THRESHOLD = 64;

/** mulberry32: a small, fast, seedable 32-bit generator. */
function generator(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
}

const encoder = new TextEncoder();
/** Text units for bulk text: mostly ASCII, some 2, 3 and 4-byte UTF-8 and a combining mark. */
const TEXT_UNITS = [
  ...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789     .,;:!?-_"\'\n\t',
  'é',
  'ß',
  'Ж',
  '€',
  '中',
  '𝄞',
  '😀',
  'e\u0301',
].map((unit) => encoder.encode(unit));

/** Four bytes per generator step; `mask` 0x7f7f7f7f keeps them 7-bit. */
function fillBytes(next: () => number, length: number, mask: number): Uint8Array {
  const words = new Uint32Array(Math.ceil(length / 4));
  for (let index = 0; index < words.length; index += 1) words[index] = next() & mask;
  return new Uint8Array(words.buffer, 0, length);
}

function fillText(next: () => number, length: number): Uint8Array {
  const bytes = new Uint8Array(length);
  let offset = 0;
  for (let bits = 0, random = 0; ; bits -= 8, random >>>= 8) {
    if (bits === 0) [bits, random] = [32, next()];
    const unit = TEXT_UNITS[(random & 0xff) % TEXT_UNITS.length]!;
    if (offset + unit.length > length) break;
    bytes.set(unit, offset);
    offset += unit.length;
  }
  return bytes.subarray(0, offset);
}

export type BulkKind = 'bytes' | 'ascii' | 'text';

/**
 * Up to `maxLength` bytes from a seeded generator, with a short fast-check patch written over
 * them at some position, so that shrinking still reaches the length, the patch and its place.
 */
export function bulk(fc: FastCheckApi, maxLength: number, kind: BulkKind): Arbitrary<Uint8Array> {
  return fc
    .tuple(
      fc.nat(maxLength),
      fc.nat(),
      fc.uint8Array({ maxLength: 8, max: kind === 'bytes' ? 0xff : 0x7f }),
      fc.nat(),
    )
    .map(([length, seed, patch, at]) => {
      const next = generator(seed);
      const body =
        kind === 'text'
          ? fillText(next, length)
          : fillBytes(next, length, kind === 'ascii' ? 0x7f7f7f7f : 0xffffffff);
      const start = Math.min(at % (body.length + 1), Math.max(0, body.length - patch.length));
      if (kind !== 'text') body.set(patch.subarray(0, body.length - start), start);
      return body;
    });
}
