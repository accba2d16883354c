import { isDeepStrictEqual } from 'node:util';
import { isPluginError, type PluginErrorCode } from '../errors.js';
import { loadPlugin } from '../load-plugin.js';
import type { LoadPluginOptions } from '../options.js';
import type { Plugin } from '../plugin.js';
import type { CaseExpectation, PluginCase } from './case-file.js';
import type { ComparatorSpec } from './comparator-spec.js';
import { jsonDifference, parseJsonBytes } from './json-equal.js';

/** What one call did: the output bytes, or the error's code (and the plugin's own code). */
export type CallOutcome =
  | { readonly ok: true; readonly output: Uint8Array }
  | {
      readonly ok: false;
      readonly code: PluginErrorCode;
      readonly pluginCode: number | undefined;
      readonly message: string;
    };

export interface CaseResult {
  readonly case: PluginCase;
  readonly outcome: CallOutcome;
  readonly pass: boolean;
  /** Why it failed, in a sentence. */
  readonly reason: string | undefined;
}

function failureOutcome(error: unknown): CallOutcome {
  if (!isPluginError(error)) throw error;
  return { ok: false, code: error.code, pluginCode: error.pluginCode, message: error.message };
}

/** Runs one call and captures its outcome; only a non-PluginError (a bug) is thrown. */
export async function callOutcome(plugin: Plugin, input: Uint8Array): Promise<CallOutcome> {
  try {
    return { ok: true, output: await plugin.processData(input) };
  } catch (error) {
    return failureOutcome(error);
  }
}

function parseJson(bytes: Uint8Array): { value: unknown } | undefined {
  try {
    return { value: JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes)) };
  } catch {
    return undefined;
  }
}

/** Whether two outputs hold the same JSON value as a `json` comparator judges it. */
function sameJson(
  actual: Uint8Array,
  expected: Uint8Array,
  spec: Extract<ComparatorSpec, { kind: 'json' }>,
): boolean {
  const [left, right] = [parseJsonBytes(actual), parseJsonBytes(expected)];
  if ('error' in left || 'error' in right) return false;
  try {
    return jsonDifference(left.value, right.value, spec.numbers) === undefined;
  } catch {
    return false; // nested deeper than the stack allows
  }
}

function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && Buffer.compare(a, b) === 0;
}

/**
 * Whether an outcome meets an expectation, and if not, why not. An `output` expectation missed
 * byte for byte is met when `compare` is a `json` comparator that finds the same value; the
 * comparators that run code (`decode`, `custom`) are conformance's, never run here.
 */
export function checkOutcome(
  outcome: CallOutcome,
  expect: CaseExpectation,
  compare?: ComparatorSpec,
): { pass: boolean; reason: string | undefined } {
  if (expect.kind === 'error') {
    if (outcome.ok)
      return {
        pass: false,
        reason: `expected error ${expect.code}, got ${outcome.output.length} output bytes`,
      };
    if (outcome.code !== expect.code)
      return { pass: false, reason: `expected error ${expect.code}, got ${outcome.code}` };
    if (expect.pluginCode !== undefined && outcome.pluginCode !== expect.pluginCode) {
      return {
        pass: false,
        reason: `expected plugin code ${expect.pluginCode}, got ${String(outcome.pluginCode)}`,
      };
    }
    return { pass: true, reason: undefined };
  }
  if (!outcome.ok)
    return {
      pass: false,
      reason: `expected output, got error ${outcome.code}: ${outcome.message}`,
    };
  if (expect.kind === 'output') {
    const equal =
      bytesEqual(outcome.output, expect.output) ||
      (compare?.kind === 'json' && sameJson(outcome.output, expect.output, compare));
    return equal
      ? { pass: true, reason: undefined }
      : {
          pass: false,
          reason: `output differs (${outcome.output.length} bytes, expected ${expect.output.length})`,
        };
  }
  const parsed = parseJson(outcome.output);
  if (parsed === undefined) return { pass: false, reason: 'output is not UTF-8 JSON' };
  return isDeepStrictEqual(parsed.value, expect.json)
    ? { pass: true, reason: undefined }
    : { pass: false, reason: 'output differs as JSON' };
}

function configKey(config: Uint8Array | undefined): string {
  return config === undefined ? '' : `=${Buffer.from(config).toString('hex')}`;
}

/** `work`, or a rejection as soon as `signal` aborts. */
function untilAborted<T>(work: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (signal === undefined) return work;
  return new Promise<T>((resolve, reject) => {
    const stop = () => reject(signal.reason);
    if (signal.aborted) return stop();
    signal.addEventListener('abort', stop, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', stop));
  });
}

/** How `runCases` loads, stops and reports; every field is optional. */
export interface RunCasesOptions {
  /** Replaces the runtime's loadPlugin (the registry passes its own, so that isolated plugins are tested isolated). */
  readonly loader?: (options: LoadPluginOptions) => Promise<Plugin>;
  /** Rejects at once when aborted; the instance under test closes once its call ends. */
  readonly signal?: AbortSignal;
  /**
   * Hears of each case as it ends, in the order they run (grouped by config), so a caller
   * recording host calls can tell which case made them.
   */
  readonly onCaseDone?: (result: CaseResult) => void;
  /** How `output` expectations are judged beyond byte equality (see checkOutcome). */
  readonly compare?: ComparatorSpec | undefined;
}

/**
 * Runs cases against one artifact, loading it once per distinct config. A config whose
 * Initialize fails gives each of its cases a PLUGIN_INIT_FAILED outcome; any other load
 * error is thrown, because then the artifact, not a case, is at fault.
 */
export async function runCases(
  load: LoadPluginOptions,
  cases: readonly PluginCase[],
  { loader = loadPlugin, signal, onCaseDone, compare }: RunCasesOptions = {},
): Promise<CaseResult[]> {
  const groups = new Map<string, PluginCase[]>();
  for (const entry of cases) {
    const key = configKey(entry.config);
    groups.set(key, [...(groups.get(key) ?? []), entry]);
  }
  const results = new Map<PluginCase, CaseResult>();
  for (const group of groups.values()) {
    const config = group[0]!.config;
    const options: LoadPluginOptions = config === undefined ? load : { ...load, config };
    let plugin: Plugin | undefined;
    let loadFailure: CallOutcome | undefined;
    signal?.throwIfAborted();
    try {
      plugin = await loader(options);
    } catch (error) {
      if (!isPluginError(error, 'PLUGIN_INIT_FAILED')) throw error;
      loadFailure = failureOutcome(error);
    }
    try {
      for (const entry of group) {
        signal?.throwIfAborted();
        const outcome =
          loadFailure ?? (await untilAborted(callOutcome(plugin!, entry.input), signal));
        const result = { case: entry, outcome, ...checkOutcome(outcome, entry.expect, compare) };
        results.set(entry, result);
        onCaseDone?.(result);
      }
    } finally {
      // Once stopped, a call still running is not waited for: the instance closes when it ends.
      if (signal?.aborted) void plugin?.close();
      else await plugin?.close();
    }
  }
  return cases.map((entry) => results.get(entry)!);
}
