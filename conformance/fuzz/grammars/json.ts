import type { Grammar } from '../grammar.js';
import { malformed } from './malformed.js';

const encoder = new TextEncoder();

/** Any JSON value, and malformed variants of it, for plugins that parse JSON. */
export const jsonGrammar: Grammar = {
  name: 'json',
  description: 'JSON values of any shape, 3 in 10 made malformed',
  inputs: (fc, { maxSize }) => {
    const valid = fc
      .json({ maxDepth: 6 })
      .map((text) => encoder.encode(text))
      .filter((bytes) => bytes.length <= maxSize);
    return fc.oneof(
      { weight: 7, arbitrary: valid },
      { weight: 3, arbitrary: malformed(fc, valid) },
    );
  },
};
