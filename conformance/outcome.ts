import type { CallOutcome } from '../runtime/index.js';

/** Whether two calls behaved identically: the same bytes, or the same error code and plugin code. */
export function sameOutcome(a: CallOutcome, b: CallOutcome): boolean {
  if (a.ok && b.ok)
    return a.output.length === b.output.length && Buffer.compare(a.output, b.output) === 0;
  if (!a.ok && !b.ok) return a.code === b.code && a.pluginCode === b.pluginCode;
  return false;
}

/**
 * A short key for an outcome's kind, for histograms: `ok`, `PLUGIN_TRAPPED`,
 * `PLUGIN_CALL_FAILED(-2)`.
 */
export function outcomeKind(outcome: CallOutcome): string {
  if (outcome.ok) return 'ok';
  return outcome.pluginCode === undefined ? outcome.code : `${outcome.code}(${outcome.pluginCode})`;
}

/** One line about an outcome: `12 bytes` or `error PLUGIN_CALL_FAILED (plugin code -2)`. */
export function describeOutcome(outcome: CallOutcome): string {
  if (outcome.ok) return `${outcome.output.length} byte${outcome.output.length === 1 ? '' : 's'}`;
  const pluginCode = outcome.pluginCode === undefined ? '' : ` (plugin code ${outcome.pluginCode})`;
  return `error ${outcome.code}${pluginCode}`;
}
