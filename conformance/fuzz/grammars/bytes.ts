import type { Grammar } from '../grammar.js';
import { BULK_THRESHOLD, bulk } from './bulk.js';
import { sized, utf8Text } from './sized.js';

/** The default: raw bytes (uniform, 7-bit or UTF-8 text), in the shared size mix. */
export const bytesGrammar: Grammar = {
  name: 'bytes',
  description: 'any bytes: uniform, 7-bit or UTF-8 text; 60% <= 64 B, 30% <= 1 KiB, 10% <= max',
  inputs: (fc, { maxSize }) =>
    sized(fc, maxSize, (maxLength) =>
      maxLength > BULK_THRESHOLD
        ? fc.oneof(
            { weight: 4, arbitrary: bulk(fc, maxLength, 'bytes') },
            { weight: 1, arbitrary: bulk(fc, maxLength, 'ascii') },
            { weight: 2, arbitrary: bulk(fc, maxLength, 'text') },
          )
        : fc.oneof(
            { weight: 4, arbitrary: fc.uint8Array({ maxLength, size: 'max' }) },
            { weight: 1, arbitrary: fc.uint8Array({ maxLength, max: 0x7f, size: 'max' }) },
            { weight: 2, arbitrary: utf8Text(fc, maxLength) },
          ),
    ),
};

/** UTF-8 text only, for plugins whose inputs are text. */
export const textGrammar: Grammar = {
  name: 'text',
  description: 'UTF-8 text, mostly ASCII, in the shared size mix',
  inputs: (fc, { maxSize }) =>
    sized(fc, maxSize, (maxLength) =>
      maxLength > BULK_THRESHOLD ? bulk(fc, maxLength, 'text') : utf8Text(fc, maxLength),
    ),
};

/**
 * UTF-8 text without NUL bytes: what a C string API (a legacy IModule, a string convention of
 * docs/legacy-dlls.md) can be given at all. A NUL in the text grammar's output becomes a space.
 */
export const cTextGrammar: Grammar = {
  name: 'c-text',
  description: 'UTF-8 text without NUL bytes, for C string APIs, in the shared size mix',
  inputs: (fc, context) =>
    textGrammar.inputs(fc, context).map((input) => input.map((byte) => (byte === 0 ? 0x20 : byte))),
};
