import { readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { afterAll, assert, beforeAll, describe, it } from 'vitest';
import {
  type Capabilities,
  type ComparatorSpec,
  EXACT,
  type PluginCase,
  type PluginConfig,
  parseCaseFile,
  parseComparatorFlag,
  platformMismatch,
  readArtifactHeader,
} from '../runtime/index.js';
import { type ArtifactSpec, prepareArtifacts, type RunnableArtifact } from './artifact-set.js';
import { type CaseReport, runCaseSuite } from './case-suite.js';
import type { Comparator } from './compare/comparator.js';
import { createComparator } from './compare/create-comparator.js';
import { DEFAULT_FUZZ_RUNS, DEFAULT_MAX_SIZE } from './defaults.js';
import type { Grammar } from './fuzz/grammar.js';
import { resolveGrammar } from './fuzz/resolve-grammar.js';
import { runFuzz } from './fuzz/run-fuzz.js';
import { caseLines, fuzzLines } from './report/text.js';

/** An artifact to check, or one known to be absent and why (a toolchain missing on this machine). */
export type ConformanceArtifact =
  | string
  | ArtifactSpec
  | { readonly label: string; readonly skip: string };

export interface ConformanceFuzz {
  /** Inputs to compare (default 1000). */
  readonly runs?: number;
  /** Default: TWINPLUG_FUZZ_SEED from the environment, else a fixed seed, so CI runs repeat. */
  readonly seed?: number;
  /** A built-in grammar's name, a grammar module's path, or a Grammar (default: bytes). */
  readonly grammar?: string | Grammar;
  readonly maxSize?: number;
  /** Test timeout for the fuzzing test, in ms (default 120000). */
  readonly timeout?: number;
}

export interface DescribeConformanceOptions {
  /** The describe() title, e.g. the plugin's name. */
  readonly name: string;
  /** A cases file's path, or cases already parsed. */
  readonly cases?: string | readonly PluginCase[];
  /** The first runnable artifact is the reference for suggested cases. */
  readonly artifacts: readonly ConformanceArtifact[];
  /** Config for fuzzing and for cases that name none. */
  readonly config?: PluginConfig;
  /** What every artifact is granted of the host (as plugin.json's `capabilities`); none by default. */
  readonly capabilities?: Capabilities;
  /** Differential fuzzing between the artifacts; `false` for none. */
  readonly fuzz?: ConformanceFuzz | false;
  /**
   * How outputs are compared: a spec, or the `--compare` form (`json`, `decode:dec.wasm`...,
   * paths from the working directory). Default: the cases file's `compare`, else exact.
   */
  readonly compare?: ComparatorSpec | string;
}

/** The seed describeConformance fuzzes with unless told otherwise. */
export const DEFAULT_VITEST_SEED = 20_260_601;

function seedFromEnvironment(): number | undefined {
  const text = process.env.TWINPLUG_FUZZ_SEED;
  if (text === undefined || text === '') return undefined;
  const seed = Number(text);
  if (!Number.isSafeInteger(seed))
    throw new Error(`TWINPLUG_FUZZ_SEED must be an integer, got "${text}"`);
  return seed;
}

function loadCases(cases: DescribeConformanceOptions['cases']): {
  cases: readonly PluginCase[];
  compare: ComparatorSpec | undefined;
} {
  if (cases === undefined) return { cases: [], compare: undefined };
  if (typeof cases !== 'string') return { cases, compare: undefined };
  return parseCaseFile(readFileSync(cases, 'utf8'), dirname(cases));
}

function comparatorSpec(given: ComparatorSpec | string | undefined, fromCases?: ComparatorSpec) {
  if (typeof given !== 'string') return given ?? fromCases ?? EXACT;
  const parsed = parseComparatorFlag(given, process.cwd());
  if (!parsed.ok) throw new Error(parsed.message);
  return parsed.spec;
}

/** Why this host cannot run a native artifact, read from its header while tests are collected. */
function hostSkipReason(path: string): string | undefined {
  try {
    return platformMismatch(readArtifactHeader(readFileSync(path)));
  } catch {
    return undefined; // the load itself will fail, loudly, in beforeAll
  }
}

function sortArtifacts(artifacts: readonly ConformanceArtifact[]) {
  const runnable: ArtifactSpec[] = [];
  const skipped: { label: string; reason: string }[] = [];
  for (const entry of artifacts) {
    const spec = typeof entry === 'string' ? { path: entry } : entry;
    if ('skip' in spec) {
      skipped.push({ label: spec.label, reason: spec.skip });
      continue;
    }
    const reason = hostSkipReason(spec.path);
    if (reason === undefined) runnable.push(spec);
    else skipped.push({ label: spec.label ?? spec.path, reason });
  }
  return { runnable, skipped };
}

function fuzzTest(
  options: DescribeConformanceOptions,
  count: number,
  artifacts: () => readonly RunnableArtifact[],
  comparator: () => Comparator,
) {
  if (options.fuzz === false) return;
  const settings = options.fuzz ?? {};
  const runs = settings.runs ?? DEFAULT_FUZZ_RUNS;
  const seed = settings.seed ?? seedFromEnvironment() ?? DEFAULT_VITEST_SEED;
  const grammarName =
    typeof settings.grammar === 'object' ? settings.grammar.name : (settings.grammar ?? 'bytes');
  const title = `fuzz: ${runs} inputs (grammar ${grammarName}, seed ${seed}) agree across ${count} artifacts`;
  if (count < 2) {
    it.skip(`${title}: skipped, needs two artifacts that run on this host`, () => {});
    return;
  }
  it(
    title,
    async () => {
      const grammar =
        typeof settings.grammar === 'object'
          ? settings.grammar
          : await resolveGrammar(settings.grammar);
      const maxSize = settings.maxSize ?? DEFAULT_MAX_SIZE;
      const report = await runFuzz(artifacts(), {
        runs,
        seed,
        grammar,
        maxSize,
        config: options.config,
        capabilities: options.capabilities,
        comparator: comparator(),
      });
      if (report.divergence !== undefined || report.initDivergence !== undefined)
        assert.fail(fuzzLines(report).join('\n'));
    },
    settings.timeout ?? 120_000,
  );
}

/**
 * Turns a cases file and a set of artifacts into vitest tests: one per case (passing when every
 * artifact meets the expectation and all agree under the comparator and in their host calls),
 * one for differential fuzzing,
 * and one visibly skipped test per artifact that cannot run here, its title carrying the reason.
 *
 * @example
 * describeConformance({
 *   name: 'pricing',
 *   cases: 'plugins/pricing/cases.json',
 *   artifacts: ['build/pricing.so', 'build/pricing.wasm', { label: 'pricing.dll', skip: 'built on Windows only' }],
 *   fuzz: { runs: 10_000, grammar: 'pricing-order' },
 * });
 */
export function describeConformance(options: DescribeConformanceOptions): void {
  const { cases, compare } = loadCases(options.cases);
  const spec = comparatorSpec(options.compare, compare);
  const { runnable, skipped } = sortArtifacts(options.artifacts);
  describe(options.name, () => {
    let artifacts: readonly RunnableArtifact[] = [];
    let reports: readonly CaseReport[] = [];
    let comparator: Comparator | undefined;
    beforeAll(async () => {
      comparator = await createComparator(spec);
      const { capabilities } = options;
      artifacts = (await prepareArtifacts(runnable, { capabilities })).runnable;
      reports = await runCaseSuite(artifacts, cases, {
        config: options.config,
        capabilities,
        comparator,
      });
    }, 120_000);
    afterAll(() => comparator?.close());
    for (const { label, reason } of skipped) it.skip(`${label}: skipped, ${reason}`, () => {});
    // With nothing to run, a case would pass vacuously: skip it, saying so.
    const caseTest = runnable.length === 0 ? it.skip : it;
    const why = runnable.length === 0 ? ': skipped, no artifact runs on this host' : '';
    cases.forEach((entry, index) => {
      caseTest(`case: ${entry.name}${why}`, () => {
        const report = reports[index]!;
        const labels = artifacts.map((artifact) => artifact.label);
        if (!report.pass) assert.fail(caseLines(report, labels).join('\n'));
      });
    });
    fuzzTest(
      options,
      runnable.length,
      () => artifacts,
      () => comparator!,
    );
  });
}
