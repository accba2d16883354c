import {
  type CaseResult,
  type LoadPluginOptions,
  type PluginCase,
  type PluginConfig,
  runCases,
} from '../runtime/index.js';
import { artifactLoad, type RunnableArtifact } from './artifact-set.js';
import { sameOutcome } from './outcome.js';

/** One case across every artifact. */
export interface CaseReport {
  readonly case: PluginCase;
  /** One result per runnable artifact, in their order. */
  readonly results: readonly (CaseResult & { readonly label: string })[];
  /** Artifacts whose outcome differs from the first artifact's (the reference). */
  readonly disagreeing: readonly string[];
  /** Every artifact met the expectation and all behaved identically. */
  readonly pass: boolean;
}

export interface CaseSuiteOptions {
  /** Config for cases that name none. */
  readonly config?: PluginConfig | undefined;
  readonly onProgress?: (done: number, total: number) => void;
}

/**
 * Runs every case against every artifact through the runtime's case runner, then compares the
 * artifacts with each other as well: a case passes only when each artifact meets its
 * expectation and all of them produced the same bytes (or the same error and plugin code).
 * Load errors other than a refused config are thrown as the runtime's PluginError.
 */
export async function runCaseSuite(
  artifacts: readonly RunnableArtifact[],
  cases: readonly PluginCase[],
  options: CaseSuiteOptions = {},
): Promise<CaseReport[]> {
  const perArtifact: CaseResult[][] = [];
  for (const [index, artifact] of artifacts.entries()) {
    const load: LoadPluginOptions =
      options.config === undefined
        ? artifactLoad(artifact)
        : { ...artifactLoad(artifact), config: options.config };
    perArtifact.push(await runCases(load, cases));
    options.onProgress?.((index + 1) * cases.length, artifacts.length * cases.length);
  }
  return cases.map((entry, caseIndex) => {
    const results = artifacts.map((artifact, index) => ({
      ...perArtifact[index]![caseIndex]!,
      label: artifact.label,
    }));
    const reference = results[0]?.outcome;
    const disagreeing = results
      .filter((result) => reference !== undefined && !sameOutcome(result.outcome, reference))
      .map((result) => result.label);
    const pass = results.every((result) => result.pass) && disagreeing.length === 0;
    return { case: entry, results, disagreeing, pass };
  });
}
