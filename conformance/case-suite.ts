import type { CaseResult, PluginCase } from '../runtime/index.js';
import type { RunnableArtifact } from './artifact-set.js';
import { type Comparator, judgeOutcomes, type Verdict } from './compare/comparator.js';
import { EXACT_COMPARATOR } from './compare/create-comparator.js';
import type { TraceStep } from './host-trace.js';
import {
  runTracedCases,
  type SideEffectDivergence,
  sideEffectDivergences,
  type TracedLoadOptions,
} from './traced-cases.js';

/** One artifact's result on a case; `verdict` is how it compares with the reference's. */
export type ArtifactCaseResult = CaseResult & {
  readonly label: string;
  /** Against the reference artifact (always equal for the reference itself). */
  readonly verdict: Verdict;
};

/** One case across every artifact. */
export interface CaseReport {
  readonly case: PluginCase;
  /** One result per runnable artifact, in their order. */
  readonly results: readonly ArtifactCaseResult[];
  /** Artifacts whose outcome is not equivalent to the first artifact's (the reference). */
  readonly disagreeing: readonly string[];
  /** Artifacts whose host calls (log lines, kv reads and writes...) differ from the reference's. */
  readonly sideEffects: readonly SideEffectDivergence[];
  /** The comparator that judged agreement and output expectations. */
  readonly comparator: string;
  /** Every artifact met the expectation and all behaved equivalently, side effects included. */
  readonly pass: boolean;
}

/** `config` for cases that name none; `capabilities` what every artifact is granted. */
export interface CaseSuiteOptions extends TracedLoadOptions {
  /** Judges agreement and `output` expectations (default `exact`). */
  readonly comparator?: Comparator | undefined;
  readonly onProgress?: (done: number, total: number) => void;
}

/** One artifact's side effects per case. */
type Traces = ReadonlyMap<PluginCase, readonly TraceStep[]>;

/**
 * An `output` expectation missed byte for byte is met when the comparator finds the output
 * equivalent to the expected bytes (a compressor's other valid encoding under `decode`).
 */
async function rejudge(comparator: Comparator, result: CaseResult): Promise<CaseResult> {
  const { expect } = result.case;
  if (result.pass || comparator.spec.kind === 'exact' || expect.kind !== 'output') return result;
  if (!result.outcome.ok) return result;
  const expected = { ok: true as const, output: expect.output };
  const judged = await judgeOutcomes(comparator, expected, result.outcome, result.case.input);
  if (judged.equal) return { ...result, pass: true, reason: undefined };
  return { ...result, reason: `${result.reason}; under ${judged.comparator}: ${judged.why}` };
}

async function caseReport(
  comparator: Comparator,
  artifacts: readonly RunnableArtifact[],
  perArtifact: readonly CaseResult[][],
  traces: readonly Traces[],
  caseIndex: number,
): Promise<CaseReport> {
  const results: ArtifactCaseResult[] = [];
  for (const [index, artifact] of artifacts.entries()) {
    const result = await rejudge(comparator, perArtifact[index]![caseIndex]!);
    const reference = results[0]?.outcome ?? result.outcome;
    const verdict = await judgeOutcomes(comparator, reference, result.outcome, result.case.input);
    results.push({ ...result, label: artifact.label, verdict });
  }
  const entry = results[0]!.case;
  const disagreeing = results
    .filter((result) => !result.verdict.equal)
    .map((result) => result.label);
  const sideEffects = sideEffectDivergences(
    artifacts.map((artifact, index) => ({
      label: artifact.label,
      steps: traces[index]!.get(entry) ?? [],
    })),
  );
  const agree = disagreeing.length === 0 && sideEffects.length === 0;
  const pass = results.every((result) => result.pass) && agree;
  return { case: entry, results, disagreeing, sideEffects, comparator: comparator.name, pass };
}

/**
 * Runs every case against every artifact through the runtime's case runner, in deterministic
 * mode with every host call recorded, then compares the artifacts with each other as well: a
 * case passes only when each artifact meets its expectation, all of them produced equivalent
 * outputs under the comparator (or the same error and plugin code) and had the same side
 * effects. Load errors other than a refused config are thrown as PluginError.
 */
export async function runCaseSuite(
  artifacts: readonly RunnableArtifact[],
  cases: readonly PluginCase[],
  options: CaseSuiteOptions = {},
): Promise<CaseReport[]> {
  const comparator = options.comparator ?? EXACT_COMPARATOR;
  const perArtifact: CaseResult[][] = [];
  const traces: Traces[] = [];
  for (const [index, artifact] of artifacts.entries()) {
    const run = await runTracedCases(artifact, cases, options);
    perArtifact.push(run.results);
    traces.push(run.traces);
    options.onProgress?.((index + 1) * cases.length, artifacts.length * cases.length);
  }
  const reports: CaseReport[] = [];
  for (const caseIndex of cases.keys())
    reports.push(await caseReport(comparator, artifacts, perArtifact, traces, caseIndex));
  return reports;
}
