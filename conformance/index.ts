/**
 * twinplug's conformance suite: the same cases against every artifact of a plugin, and
 * differential fuzzing between them. `twinplug conformance` and `describeConformance`
 * (conformance/vitest.ts) are built on these.
 *
 * @example
 * const report = await runConformance({
 *   artifacts: [{ path: 'build/plugins/upper/upper.so' }, { path: 'build/plugins/upper/upper.wasm' }],
 *   cases: (await readCaseFile('build/plugins/upper/cases.json')).cases,
 *   fuzz: { runs: 1000, seed: 42, grammar: DEFAULT_GRAMMAR, maxSize: 4096 },
 * });
 * process.stdout.write(formatText(report));
 */

// The JSON comparison the runtime's self-test shares, kept public here where it always was.
export { decimalValue, jsonDifference, parseJsonBytes } from '../runtime/index.js';
export {
  type ArtifactSet,
  type ArtifactSpec,
  prepareArtifacts,
  type RunnableArtifact,
  type SkippedArtifact,
} from './artifact-set.js';
export { type ArtifactCaseResult, type CaseReport, runCaseSuite } from './case-suite.js';
export {
  type Comparator,
  type Compared,
  judgeOutcomes,
  type Verdict,
} from './compare/comparator.js';
export { createComparator, EXACT_COMPARATOR } from './compare/create-comparator.js';
export { DEFAULT_FUZZ_RUNS, DEFAULT_MAX_SIZE } from './defaults.js';
export { CONFORMANCE_ERROR_CODES, ConformanceError, type ConformanceErrorCode } from './errors.js';
export type { FastCheckApi, Grammar, GrammarContext } from './fuzz/grammar.js';
export { DEFAULT_GRAMMAR, GRAMMARS } from './fuzz/grammars/index.js';
export { resolveGrammar } from './fuzz/resolve-grammar.js';
export {
  type ArtifactOutcome,
  type FuzzDivergence,
  type FuzzOptions,
  type FuzzReport,
  runFuzz,
} from './fuzz/run-fuzz.js';
export { type ContentShrink, shrinkContent } from './fuzz/shrink-content.js';
export { firstDifference, hexDiff, printableText } from './hex-diff.js';
export { describeOutcome, outcomeKind, sameOutcome } from './outcome.js';
export { type PluginFolder, readPluginFolder } from './plugin-folder.js';
export { toJsonReport } from './report/json.js';
export { toJunitXml } from './report/junit.js';
export { PRINT_LIMIT } from './report/preview.js';
export { formatText } from './report/text.js';
export {
  type ConformanceOptions,
  type ConformanceReport,
  type FuzzSettings,
  runConformance,
} from './run-conformance.js';
export { DEFAULT_FAILURES_DIR, saveSuggestedCase } from './save-failure.js';
export { suggestCase } from './suggest-case.js';
