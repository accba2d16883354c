import type { Arbitrary } from 'fast-check';
import type { FastCheckApi } from '../grammar.js';

const encoder = new TextEncoder();

/** Fragments that break (or nearly break) JSON wherever they land. */
const FRAGMENTS = [
  '\\x',
  '\\u12',
  '\\u00e9',
  '\\',
  '\u0001',
  '\u007f',
  '01',
  '-0',
  '1.',
  '.5',
  '-',
  '+1',
  '1e',
  '1E+2',
  '0x1f',
  'tru',
  'nul',
  'NaN',
  'Infinity',
  '""',
  '"',
  "'",
  ',',
  ',,',
  ':',
  '{',
  '}',
  '[',
  ']',
  '{}',
  '[]',
  ' ',
  '\t',
  '\n',
  '\r',
  '\v',
  '\f',
  '/*',
  '//',
].map((text) => encoder.encode(text));

/** Single bytes worth trying: structure, quotes, escapes, NUL, a stray UTF-8 byte, 0xFF. */
const BYTES = [0x00, 0x22, 0x2c, 0x3a, 0x5b, 0x5d, 0x7b, 0x7d, 0x5c, 0x20, 0x80, 0xc3, 0xff];

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

type Mutation = (doc: Uint8Array, at: number, choice: number) => Uint8Array;

const MUTATIONS: readonly Mutation[] = [
  (doc, at) => doc.subarray(0, at),
  (doc, at) => concat(doc.subarray(0, at), doc.subarray(at + 1)),
  (doc, at, choice) =>
    concat(doc.subarray(0, at), FRAGMENTS[choice % FRAGMENTS.length]!, doc.subarray(at)),
  (doc, at, choice) =>
    concat(doc.subarray(0, at), Uint8Array.of(BYTES[choice % BYTES.length]!), doc.subarray(at + 1)),
  (doc, _at, choice) => concat(doc, FRAGMENTS[choice % FRAGMENTS.length]!),
  (doc, at) => concat(doc.subarray(0, at), doc.subarray(at, at + 8), doc.subarray(at)),
  (doc, _at, choice) => {
    // Around the parsers' nesting limit of 64: 60..67 extra levels.
    const depth = 60 + (choice % 8);
    return concat(encoder.encode('['.repeat(depth)), doc, encoder.encode(']'.repeat(depth)));
  },
];

/**
 * Malformed variants of valid documents: truncated, a byte deleted or replaced, a fragment
 * that breaks JSON inserted or appended, a slice duplicated, or nested past the usual limit.
 * They shrink towards the smallest document and the earliest position.
 */
export function malformed(fc: FastCheckApi, valid: Arbitrary<Uint8Array>): Arbitrary<Uint8Array> {
  return fc
    .tuple(valid, fc.nat(MUTATIONS.length - 1), fc.nat(), fc.nat(FRAGMENTS.length * BYTES.length))
    .map(([doc, which, position, choice]) =>
      MUTATIONS[which]!(doc, position % (doc.length + 1), choice),
    );
}
