import type * as FastCheck from 'fast-check';

/** The fast-check module, handed to grammars so that a grammar module needs no copy of its own. */
export type FastCheckApi = typeof FastCheck;

export interface GrammarContext {
  /** The size budget: built-in byte grammars never exceed it; structured ones scale to it. */
  readonly maxSize: number;
  /** The config bytes the plugins are initialised with, for grammars that build on it (redact-text). */
  readonly config: Uint8Array | undefined;
}

/**
 * A generator of fuzz inputs. Built-in grammars are listed in `GRAMMARS`; a plugin author's
 * grammar is a module whose default export has this shape (`--grammar ./my-grammar.js`).
 *
 * @example
 * export default {
 *   name: 'csv-rows',
 *   description: 'comma-separated rows of digits',
 *   inputs: (fc, { maxSize }) =>
 *     fc.array(fc.array(fc.nat(999)).map((row) => row.join(',')), { maxLength: maxSize / 16 })
 *       .map((rows) => new TextEncoder().encode(rows.join('\n'))),
 * };
 */
export interface Grammar {
  readonly name: string;
  readonly description: string;
  inputs(fc: FastCheckApi, context: GrammarContext): FastCheck.Arbitrary<Uint8Array>;
}
