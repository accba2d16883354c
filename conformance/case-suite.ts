import {
  type CaseResult,
  type LoadPluginOptions,
  type PluginCase,
  type PluginConfig,
  runCases,
} from '../runtime/index.js';
import { artifactLoad, type RunnableArtifact } from './artifact-set.js';
import { type Comparator, judgeOutcomes, type Verdict } from './compare/comparator.js';
import { EXACT_COMPARATOR } from './compare/create-comparator.js';

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
  /** The comparator that judged agreement and output expectations. */
  readonly comparator: string;
  /** Every artifact met the expectation and all behaved equivalently. */
  readonly pass: boolean;
}

export interface CaseSuiteOptions {
  /** Config for cases that name none. */
  readonly config?: PluginConfig | undefined;
  /** Judges agreement and `output` expectations (default `exact`). */
  readonly comparator?: Comparator | undefined;
  readonly onProgress?: (done: number, total: number) => void;
}

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
  caseIndex: number,
): Promise<CaseReport> {
  const results: ArtifactCaseResult[] = [];
  for (const [index, artifact] of artifacts.entries()) {
    const result = await rejudge(comparator, perArtifact[index]![caseIndex]!);
    const reference = results[0]?.outcome ?? result.outcome;
    const verdict = await judgeOutcomes(comparator, reference, result.outcome, result.case.input);
    results.push({ ...result, label: artifact.label, verdict });
  }
  const disagreeing = results
    .filter((result) => !result.verdict.equal)
    .map((result) => result.label);
  const pass = results.every((result) => result.pass) && disagreeing.length === 0;
  return { case: results[0]!.case, results, disagreeing, comparator: comparator.name, pass };
}

/**
 * Runs every case against every artifact through the runtime's case runner, then compares the
 * artifacts with each other as well: a case passes only when each artifact meets its
 * expectation and all of them produced equivalent outputs under the comparator (or the same
 * error and plugin code). Load errors other than a refused config are thrown as PluginError.
 */
export async function runCaseSuite(
  artifacts: readonly RunnableArtifact[],
  cases: readonly PluginCase[],
  options: CaseSuiteOptions = {},
): Promise<CaseReport[]> {
  const comparator = options.comparator ?? EXACT_COMPARATOR;
  const perArtifact: CaseResult[][] = [];
  for (const [index, artifact] of artifacts.entries()) {
    const load: LoadPluginOptions =
      options.config === undefined
        ? artifactLoad(artifact)
        : { ...artifactLoad(artifact), config: options.config };
    perArtifact.push(await runCases(load, cases));
    options.onProgress?.((index + 1) * cases.length, artifacts.length * cases.length);
  }
  const reports: CaseReport[] = [];
  for (const caseIndex of cases.keys())
    reports.push(await caseReport(comparator, artifacts, perArtifact, caseIndex));
  return reports;
}
