import type { CaseResult, PluginCase } from '../runtime/index.js';
import type { RunnableArtifact } from './artifact-set.js';
import type { TraceStep } from './host-trace.js';
import { sameOutcome } from './outcome.js';
import {
  runTracedCases,
  type SideEffectDivergence,
  sideEffectDivergences,
  type TracedLoadOptions,
} from './traced-cases.js';

/** One case across every artifact. */
export interface CaseReport {
  readonly case: PluginCase;
  /** One result per runnable artifact, in their order. */
  readonly results: readonly (CaseResult & { readonly label: string })[];
  /** Artifacts whose outcome differs from the first artifact's (the reference). */
  readonly disagreeing: readonly string[];
  /** Artifacts whose host calls (log lines, kv reads and writes...) differ from the reference's. */
  readonly sideEffects: readonly SideEffectDivergence[];
  /** Every artifact met the expectation and all behaved identically, side effects included. */
  readonly pass: boolean;
}

/** `config` for cases that name none; `capabilities` what every artifact is granted. */
export interface CaseSuiteOptions extends TracedLoadOptions {
  readonly onProgress?: (done: number, total: number) => void;
}

/**
 * Runs every case against every artifact through the runtime's case runner, in deterministic
 * mode with every host call recorded, then compares the artifacts with each other as well: a
 * case passes only when each artifact meets its expectation, all of them produced the same bytes
 * (or the same error and plugin code) and had the same side effects. Load errors other than a
 * refused config are thrown as the runtime's PluginError.
 */
export async function runCaseSuite(
  artifacts: readonly RunnableArtifact[],
  cases: readonly PluginCase[],
  options: CaseSuiteOptions = {},
): Promise<CaseReport[]> {
  const perArtifact: CaseResult[][] = [];
  const traces: ReadonlyMap<PluginCase, readonly TraceStep[]>[] = [];
  for (const [index, artifact] of artifacts.entries()) {
    const run = await runTracedCases(artifact, cases, options);
    perArtifact.push(run.results);
    traces.push(run.traces);
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
    const sideEffects = sideEffectDivergences(
      artifacts.map((artifact, index) => ({
        label: artifact.label,
        steps: traces[index]!.get(entry) ?? [],
      })),
    );
    const agree = disagreeing.length === 0 && sideEffects.length === 0;
    const pass = results.every((result) => result.pass) && agree;
    return { case: entry, results, disagreeing, sideEffects, pass };
  });
}
