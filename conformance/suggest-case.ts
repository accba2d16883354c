import { createHash } from 'node:crypto';
import type { CallOutcome } from '../runtime/index.js';
import { printableText } from './hex-diff.js';

/** Bytes in the case format: `{ utf8 }` when printable, `{ hex }` otherwise. */
export function encodeBytes(bytes: Uint8Array): { utf8: string } | { hex: string } {
  const text = printableText(bytes);
  return text === undefined ? { hex: Buffer.from(bytes).toString('hex') } : { utf8: text };
}

/** Config bytes in the case format: `{ json }` when they are JSON as JSON.stringify writes it. */
export function encodeConfigBytes(config: Uint8Array): unknown {
  const text = printableText(config);
  if (text !== undefined) {
    try {
      const value: unknown = JSON.parse(text);
      if (JSON.stringify(value) === text) return { json: value };
    } catch {
      // Not JSON: written as text below.
    }
  }
  return encodeBytes(config);
}

/** An outcome as a case's "expect": the exact output bytes, or the error's codes. */
export function expectationOf(outcome: CallOutcome): unknown {
  if (outcome.ok) return { output: encodeBytes(outcome.output) };
  const error: { code: string; pluginCode?: number } = { code: outcome.code };
  if (outcome.pluginCode !== undefined) error.pluginCode = outcome.pluginCode;
  return { error };
}

export interface SuggestedCaseSource {
  readonly input: Uint8Array;
  /** Whose result the case expects: the reference artifact's. */
  readonly expected: CallOutcome;
  readonly config: Uint8Array | undefined;
  readonly seed: number;
}

/**
 * A case for a cases file that pins down a divergence found by fuzzing, expecting the
 * reference artifact's result. Its name carries the seed and a hash of the input, so that
 * cases found on different runs do not collide.
 */
export function suggestCase(source: SuggestedCaseSource): Record<string, unknown> {
  const hash = createHash('sha256').update(source.input).digest('hex').slice(0, 8);
  const entry: Record<string, unknown> = {
    name: `fuzz seed ${source.seed} ${hash}`,
    input: encodeBytes(source.input),
  };
  if (source.config !== undefined && source.config.length > 0)
    entry.config = encodeConfigBytes(source.config);
  entry.expect = expectationOf(source.expected);
  return entry;
}
