import type { Grammar } from '../grammar.js';
import { bytesGrammar, cTextGrammar, textGrammar } from './bytes.js';
import { jsonGrammar } from './json.js';
import { pricingOrderGrammar } from './pricing-order.js';
import { redactTextGrammar } from './redact-text.js';

/** The built-in grammars by name; `bytes` is the default. */
export const GRAMMARS: Readonly<Record<string, Grammar>> = Object.fromEntries(
  [
    bytesGrammar,
    textGrammar,
    cTextGrammar,
    jsonGrammar,
    pricingOrderGrammar,
    redactTextGrammar,
  ].map((grammar) => [grammar.name, grammar]),
);

export const DEFAULT_GRAMMAR = bytesGrammar;
