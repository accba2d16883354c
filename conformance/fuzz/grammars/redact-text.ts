import type { Arbitrary } from 'fast-check';
import type { FastCheckApi, Grammar } from '../grammar.js';
import { sized, truncateUtf8 } from './sized.js';

const encoder = new TextEncoder();

/** The words and mask of a redact config, or none when the config is not of that shape. */
export function redactWords(config: Uint8Array | undefined): { words: string[]; mask: string } {
  try {
    const value = JSON.parse(new TextDecoder().decode(config ?? new Uint8Array(0))) as unknown;
    const { words, mask } = value as { words?: unknown; mask?: unknown };
    const strings = Array.isArray(words) ? words.filter((w) => typeof w === 'string') : [];
    return { words: strings, mask: typeof mask === 'string' ? mask : '' };
  } catch {
    return { words: [], mask: '' };
  }
}

/** A word with the case of random letters flipped, cut short, or run into another word. */
function aroundWords(fc: FastCheckApi, words: readonly string[]): Arbitrary<string> {
  const word = fc.constantFrom(...words);
  const flipped = fc
    .tuple(word, fc.array(fc.boolean(), { maxLength: 64 }))
    .map(([text, flips]) =>
      [...text]
        .map((ch, i) =>
          flips[i] ? (ch === ch.toLowerCase() ? ch.toUpperCase() : ch.toLowerCase()) : ch,
        )
        .join(''),
    );
  const partial = fc
    .tuple(word, fc.nat())
    .map(([text, cut]) => text.slice(0, cut % (text.length + 1)));
  const overlap = fc.tuple(word, word).map(([a, b]) => a + b.slice(1));
  return fc.oneof({ weight: 3, arbitrary: word }, flipped, partial, overlap);
}

/** Text made of the configured words, their near misses, the mask itself, and filler bytes. */
function textAround(
  fc: FastCheckApi,
  words: readonly string[],
  mask: string,
  maxLength: number,
): Arbitrary<Uint8Array> {
  const filler = fc.oneof(
    { weight: 4, arbitrary: fc.string({ unit: 'grapheme-ascii', maxLength: 8 }) },
    { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 3 }) },
  );
  const pieces: Arbitrary<string>[] = [filler];
  if (words.length > 0) pieces.push(aroundWords(fc, words), aroundWords(fc, words));
  if (mask.length > 0) pieces.push(fc.constant(mask));
  const maxPieces = Math.max(1, Math.floor(maxLength / 4));
  return fc
    .array(fc.oneof(...pieces), { maxLength: maxPieces, size: 'max' })
    .map((list) => truncateUtf8(encoder.encode(list.join('')), maxLength));
}

/**
 * Text for the redact sample, built from the words in the plugins' config (case flipped, cut
 * short, overlapping) and the mask, so that matches and near misses are frequent.
 */
export const redactTextGrammar: Grammar = {
  name: 'redact-text',
  description:
    "text around the config's words: exact, case-flipped, partial, overlapping; the mask",
  inputs: (fc, { maxSize, config }) => {
    const { words, mask } = redactWords(config);
    return sized(fc, maxSize, (maxLength) => textAround(fc, words, mask, maxLength));
  },
};
