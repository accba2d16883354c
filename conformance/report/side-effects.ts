import { describeStep } from '../host-trace.js';
import type { SideEffectDivergence } from '../traced-cases.js';

/** `[n]` for an artifact label, as the reports number artifacts (the reference is [1]). */
function tagOf(labels: readonly string[], label: string): string {
  return `[${labels.indexOf(label) + 1}]`;
}

/**
 * The first host call where an artifact's side effects depart from the reference's:
 *
 *     [2] side effects differ from [1] at host call 1 of 3 (3 on [2]):
 *       [1] kv_get("visits:alice") = -6
 *       [2] kv_get("visit:alice") = -6
 */
export function sideEffectLines(
  divergence: SideEffectDivergence,
  labels: readonly string[],
): string[] {
  const tag = tagOf(labels, divergence.label);
  const { index, expected, actual, lengths } = divergence.difference;
  return [
    `${tag} side effects differ from [1] at host call ${index + 1} of ${lengths[0]} (${lengths[1]} on ${tag}):`,
    `  [1] ${describeStep(expected)}`,
    `  ${tag} ${describeStep(actual)}`,
  ];
}

/** The JSON report's form: the first differing call on each side, described. */
export function sideEffectJson(divergence: SideEffectDivergence): Record<string, unknown> {
  const { index, expected, actual, lengths } = divergence.difference;
  return {
    artifact: divergence.label,
    hostCall: index + 1,
    expected: expected === undefined ? null : describeStep(expected),
    actual: actual === undefined ? null : describeStep(actual),
    calls: { reference: lengths[0], artifact: lengths[1] },
  };
}
