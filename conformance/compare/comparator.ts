import type { CallOutcome, ComparatorSpec } from '../../runtime/index.js';

/** Two byte strings a comparator looked at, when they are not the raw outputs (decoded ones). */
export interface Compared {
  readonly what: string;
  readonly a: Uint8Array;
  readonly b: Uint8Array;
}

/** A comparator's judgement on two outcomes; `comparator` names who judged. */
export interface Verdict {
  readonly equal: boolean;
  readonly comparator: string;
  /** Why they are not equivalent, in a sentence. */
  readonly why: string | undefined;
  /** For `decode`: the decoded bytes it compared. */
  readonly compared: Compared | undefined;
}

/** Judges two successful outputs of the same input; errors are compared by code before this. */
export interface Comparator {
  readonly spec: ComparatorSpec;
  /** How verdicts and reports name it: `exact`, `decode (lz4-decompress.wasm)`... */
  readonly name: string;
  compareOutputs(a: Uint8Array, b: Uint8Array, input: Uint8Array): Promise<Verdict>;
  close(): Promise<void>;
}

function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && Buffer.compare(a, b) === 0;
}

export function verdict(
  comparator: string,
  equal: boolean,
  why?: string,
  compared?: Compared,
): Verdict {
  // An equal verdict keeps nothing: a case report would otherwise hold every decoded output.
  return equal
    ? { equal, comparator, why: undefined, compared: undefined }
    : { equal, comparator, why, compared };
}

function errorPart(outcome: CallOutcome): string {
  if (outcome.ok) return `${outcome.output.length} output bytes`;
  return outcome.pluginCode === undefined
    ? `error ${outcome.code}`
    : `error ${outcome.code} (plugin code ${outcome.pluginCode})`;
}

/**
 * Whether two calls are equivalent under a comparator. Errors are equal when code and plugin
 * code are; two outputs are equal when byte-identical (every comparator accepts that: decoders
 * are deterministic, JSON text is the same value) and otherwise as the comparator says.
 */
export async function judgeOutcomes(
  comparator: Comparator,
  a: CallOutcome,
  b: CallOutcome,
  input: Uint8Array,
): Promise<Verdict> {
  const name = comparator.name;
  if (a.ok && b.ok) {
    if (bytesEqual(a.output, b.output)) return verdict(name, true);
    if (comparator.spec.kind === 'exact') return verdict(name, false, 'the output bytes differ');
    return comparator.compareOutputs(a.output, b.output, input);
  }
  if (!a.ok && !b.ok && a.code === b.code && a.pluginCode === b.pluginCode)
    return verdict(name, true);
  return verdict(name, false, `${errorPart(a)} vs ${errorPart(b)}`);
}
