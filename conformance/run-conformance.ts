import type { Capabilities, PluginCase, PluginConfig } from '../runtime/index.js';
import {
  type ArtifactSpec,
  prepareArtifacts,
  type RunnableArtifact,
  type SkippedArtifact,
} from './artifact-set.js';
import { type CaseReport, runCaseSuite } from './case-suite.js';
import type { Comparator } from './compare/comparator.js';
import { ConformanceError } from './errors.js';
import type { Grammar } from './fuzz/grammar.js';
import { type FuzzReport, runFuzz } from './fuzz/run-fuzz.js';
import { saveSuggestedCase } from './save-failure.js';

export interface FuzzSettings {
  readonly runs: number;
  readonly seed: number;
  readonly grammar: Grammar;
  readonly maxSize: number;
}

export interface ConformanceOptions {
  /** The first runnable artifact is the reference: suggested cases expect its results. */
  readonly artifacts: readonly ArtifactSpec[];
  readonly cases?: readonly PluginCase[] | undefined;
  /** The plugin the cases file names, checked against each artifact's PluginInfo. */
  readonly casesPlugin?: string | undefined;
  /** Config for the fuzzing and for cases that name none. */
  readonly config?: PluginConfig | undefined;
  /** What every artifact is granted of the host (plugin.json's `capabilities`); none by default. */
  readonly capabilities?: Capabilities | undefined;
  readonly fuzz?: FuzzSettings | undefined;
  readonly requireAll?: boolean;
  /** Judges agreement between artifacts and `output` expectations (default `exact`). */
  readonly comparator?: Comparator | undefined;
  /** Writes a fuzz divergence's suggested case to a cases file in this folder. */
  readonly saveFailuresDir?: string | undefined;
  readonly onProgress?: (phase: 'cases' | 'fuzz', done: number, total: number) => void;
}

export interface ConformanceReport {
  readonly artifacts: readonly RunnableArtifact[];
  readonly skipped: readonly SkippedArtifact[];
  readonly cases: readonly CaseReport[];
  readonly fuzz: FuzzReport | undefined;
  /** Why fuzzing did not run although it was asked for (fewer than two artifacts). */
  readonly fuzzSkipped: string | undefined;
  /** Facts worth a look that do not fail the run (PluginInfo differing between twins...). */
  readonly warnings: readonly string[];
  /** Every case passed on every artifact and every artifact agreed with the others (outputs and side effects). */
  readonly pass: boolean;
}

function infoWarnings(
  artifacts: readonly RunnableArtifact[],
  casesPlugin: string | undefined,
): string[] {
  const warnings: string[] = [];
  const [reference, ...others] = artifacts;
  for (const artifact of others) {
    const a = reference!.report.info;
    const b = artifact.report.info;
    if (a.name !== b.name || a.version !== b.version)
      warnings.push(
        `PluginInfo differs: ${reference!.label} is ${a.name} ${a.version}, ${artifact.label} is ${b.name} ${b.version}`,
      );
  }
  for (const artifact of artifacts) {
    if (casesPlugin !== undefined && artifact.report.info.name !== casesPlugin)
      warnings.push(
        `the cases file is for plugin "${casesPlugin}", ${artifact.label} says it is "${artifact.report.info.name}"`,
      );
  }
  return warnings;
}

async function saved(
  fuzz: FuzzReport | undefined,
  dir: string | undefined,
  plugin: string | undefined,
): Promise<FuzzReport | undefined> {
  const divergence = fuzz?.divergence;
  if (fuzz === undefined || divergence === undefined || dir === undefined) return fuzz;
  const savedTo = await saveSuggestedCase(dir, plugin, divergence.suggestedCase);
  return { ...fuzz, divergence: { ...divergence, savedTo } };
}

function isPass(cases: readonly CaseReport[], fuzz: FuzzReport | undefined): boolean {
  const fuzzPass =
    fuzz === undefined || (fuzz.divergence === undefined && fuzz.initDivergence === undefined);
  return cases.every((entry) => entry.pass) && fuzzPass;
}

/**
 * The whole conformance run: loads the artifacts (skipping natives built for another platform
 * unless `requireAll`), runs the cases against each, then fuzzes them against each other.
 * Throws PluginError for an artifact that does not load, ConformanceError when there is
 * nothing to check.
 */
export async function runConformance(options: ConformanceOptions): Promise<ConformanceReport> {
  const cases = options.cases ?? [];
  const fuzzRuns = options.fuzz?.runs ?? 0;
  if (cases.length === 0 && fuzzRuns === 0)
    throw new ConformanceError(
      'CONFORMANCE_NOTHING_TO_RUN',
      'no cases and no fuzzing: nothing to check',
    );
  const prepareOptions = {
    ...(options.requireAll !== undefined && { requireAll: options.requireAll }),
    capabilities: options.capabilities,
  };
  const { runnable, skipped } = await prepareArtifacts(options.artifacts, prepareOptions);
  if (runnable.length === 0) {
    const reasons = skipped.map((entry) => `${entry.label}: ${entry.reason}`).join('; ');
    throw new ConformanceError(
      'CONFORMANCE_NOTHING_TO_RUN',
      `no artifact can run on this host (${reasons})`,
    );
  }
  const progress = options.onProgress;
  const caseReports = await runCaseSuite(runnable, cases, {
    config: options.config,
    capabilities: options.capabilities,
    comparator: options.comparator,
    ...(progress && {
      onProgress: (done: number, total: number) => progress('cases', done, total),
    }),
  });
  let fuzz: FuzzReport | undefined;
  let fuzzSkipped: string | undefined;
  if (options.fuzz !== undefined && fuzzRuns > 0) {
    if (runnable.length < 2) {
      fuzzSkipped = `differential fuzzing needs two artifacts that run here, there is ${runnable.length}`;
    } else {
      fuzz = await runFuzz(runnable, {
        ...options.fuzz,
        config: options.config,
        capabilities: options.capabilities,
        comparator: options.comparator,
        ...(progress && {
          onProgress: (done: number, total: number) => progress('fuzz', done, total),
        }),
      });
    }
  }
  fuzz = await saved(fuzz, options.saveFailuresDir, runnable[0]!.report.info.name);
  return {
    artifacts: runnable,
    skipped,
    cases: caseReports,
    fuzz,
    fuzzSkipped,
    warnings: infoWarnings(runnable, options.casesPlugin),
    pass: isPass(caseReports, fuzz),
  };
}
