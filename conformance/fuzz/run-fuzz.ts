import * as fc from 'fast-check';
import {
  type CallOutcome,
  type Capabilities,
  callOutcome,
  encodeConfig,
  isPluginError,
  loadPlugin,
  type Plugin,
  type PluginConfig,
} from '../../runtime/index.js';
import type { RunnableArtifact } from '../artifact-set.js';
import { type Comparator, judgeOutcomes, type Verdict } from '../compare/comparator.js';
import { EXACT_COMPARATOR } from '../compare/create-comparator.js';
import { ConformanceError } from '../errors.js';
import { HostTraceRecorder, sideEffects } from '../host-trace.js';
import { outcomeKind, sameOutcome } from '../outcome.js';
import { suggestCase } from '../suggest-case.js';
import { type SideEffectDivergence, sideEffectDivergences, tracedLoad } from '../traced-cases.js';
import type { Grammar } from './grammar.js';
import { type ContentShrink, shrinkContent } from './shrink-content.js';

/** What one artifact did with one input. */
export interface ArtifactOutcome {
  readonly label: string;
  readonly outcome: CallOutcome;
}

export interface FuzzOptions {
  readonly runs: number;
  readonly seed: number;
  readonly grammar: Grammar;
  readonly maxSize: number;
  /** Config every artifact is initialised with. */
  readonly config?: PluginConfig | undefined;
  /** Judges whether the artifacts agree (default `exact`). */
  readonly comparator?: Comparator | undefined;
  /** What every artifact is granted of the host. */
  readonly capabilities?: Capabilities | undefined;
  readonly onProgress?: (done: number, total: number) => void;
}

export interface FuzzDivergence {
  /** The input after shrinking: fast-check's, then its content simplified and cut short. */
  readonly input: Uint8Array;
  readonly results: readonly ArtifactOutcome[];
  /** Each artifact's verdict against the reference (the first), naming the comparator. */
  readonly verdicts: readonly Verdict[];
  /** Artifacts whose host calls on that input differ from the reference's. */
  readonly sideEffects: readonly SideEffectDivergence[];
  /** fast-check's shrunk input's length, before content shrinking. */
  readonly shrunkLength: number;
  /** What content shrinking did: the smallest diverging length found, distinct bytes, tries. */
  readonly content: Omit<ContentShrink, 'input'>;
  /** The run (1-based) whose input first diverged, before shrinking. */
  readonly failedRun: number;
  readonly shrinks: number;
  /** fast-check's replay path, for `fc.check(..., { seed, path })`. */
  readonly path: string | undefined;
  /** A case for a cases file pinning the input down, expecting the first artifact's result. */
  readonly suggestedCase: Record<string, unknown>;
  /** The cases file the suggested case was saved to (`--save-failures`), if it was. */
  readonly savedTo: string | undefined;
}

export interface FuzzReport {
  readonly grammar: string;
  readonly seed: number;
  readonly maxSize: number;
  readonly requested: number;
  /** Inputs compared before the first divergence, or all of them. */
  readonly runs: number;
  readonly artifacts: readonly string[];
  /** How many inputs ended how (`ok`, `PLUGIN_CALL_FAILED(-2)`...), as every artifact agreed. */
  readonly outcomes: Readonly<Record<string, number>>;
  readonly divergence: FuzzDivergence | undefined;
  /** The comparator that judged agreement. */
  readonly comparator: string;
  /** Set when Initialize accepted the config on some artifacts and not on others. */
  readonly initDivergence: readonly ArtifactOutcome[] | undefined;
}

const PROGRESS_EVERY = 256;

/** A loaded artifact and the recorder of its host calls. */
interface Traced {
  readonly label: string;
  readonly plugin: Plugin;
  readonly recorder: HostTraceRecorder;
}

async function loadAll(
  artifacts: readonly RunnableArtifact[],
  options: FuzzOptions,
): Promise<{ plugins: Traced[]; failures: (CallOutcome | undefined)[] }> {
  const plugins: Traced[] = [];
  const failures: (CallOutcome | undefined)[] = [];
  const { capabilities } = options;
  const config: PluginConfig = options.config ?? new Uint8Array(0);
  for (const artifact of artifacts) {
    const recorder = new HostTraceRecorder();
    try {
      const load = tracedLoad(artifact, { config, capabilities }, recorder);
      plugins.push({ label: artifact.label, plugin: await loadPlugin(load), recorder });
      failures.push(undefined);
    } catch (error) {
      if (!isPluginError(error, 'PLUGIN_INIT_FAILED')) {
        await Promise.all(plugins.map((traced) => traced.plugin.close()));
        throw error;
      }
      const { code, pluginCode, message } = error;
      failures.push({ ok: false, code, pluginCode, message });
    }
  }
  return { plugins, failures };
}

interface Round {
  readonly outcomes: CallOutcome[];
  readonly sideEffects: SideEffectDivergence[];
}

/** Every artifact's outcome on one input, and how their host calls on it differ. */
async function roundOf(plugins: readonly Traced[], input: Uint8Array): Promise<Round> {
  const outcomes: CallOutcome[] = [];
  const traces = [];
  for (const { label, plugin, recorder } of plugins) {
    outcomes.push(await callOutcome(plugin, input));
    traces.push({ label, steps: sideEffects(recorder.take()) });
  }
  return { outcomes, sideEffects: sideEffectDivergences(traces) };
}

/** Each outcome's verdict against the first's. */
async function verdictsOf(
  comparator: Comparator,
  outcomes: readonly CallOutcome[],
  input: Uint8Array,
): Promise<Verdict[]> {
  const verdicts: Verdict[] = [];
  for (const outcome of outcomes)
    verdicts.push(await judgeOutcomes(comparator, outcomes[0]!, outcome, input));
  return verdicts;
}

function initDivergenceReport(
  artifacts: readonly RunnableArtifact[],
  failures: readonly (CallOutcome | undefined)[],
  options: FuzzOptions,
): FuzzReport {
  if (failures.every((failure) => failure !== undefined)) {
    throw new ConformanceError(
      'CONFORMANCE_FUZZ_CONFIG_REFUSED',
      `Initialize refused the fuzzing config on every artifact: ${failures[0]!.ok ? '' : failures[0]!.message}`,
    );
  }
  const accepted: CallOutcome = { ok: true, output: new Uint8Array(0) };
  return {
    ...emptyReport(artifacts, options),
    runs: 0,
    initDivergence: artifacts.map((artifact, index) => ({
      label: artifact.label,
      outcome: failures[index] ?? accepted,
    })),
  };
}

function emptyReport(artifacts: readonly RunnableArtifact[], options: FuzzOptions): FuzzReport {
  return {
    grammar: options.grammar.name,
    seed: options.seed,
    maxSize: options.maxSize,
    requested: options.runs,
    runs: options.runs,
    artifacts: artifacts.map((artifact) => artifact.label),
    outcomes: {},
    divergence: undefined,
    comparator: (options.comparator ?? EXACT_COMPARATOR).name,
    initDivergence: undefined,
  };
}

/**
 * Differential fuzzing: feeds `runs` inputs from the grammar, reproducibly from `seed`, to every
 * artifact and compares the outcomes (output bytes, or error code and plugin code) and the host
 * calls each made (side effects, as conformance/host-trace.ts compares them). On the first
 * divergence fast-check shrinks the input to a minimal one, which is replayed for the report.
 */
export async function runFuzz(
  artifacts: readonly RunnableArtifact[],
  options: FuzzOptions,
): Promise<FuzzReport> {
  const { plugins, failures } = await loadAll(artifacts, options);
  try {
    if (failures.some((failure) => failure !== undefined))
      return initDivergenceReport(artifacts, failures, options);
    return await fuzzLoaded(artifacts, plugins, options);
  } finally {
    await Promise.all(plugins.map((traced) => traced.plugin.close()));
  }
}

async function fuzzLoaded(
  artifacts: readonly RunnableArtifact[],
  plugins: readonly Traced[],
  options: FuzzOptions,
): Promise<FuzzReport> {
  const comparator = options.comparator ?? EXACT_COMPARATOR;
  // Identical outcomes agree under every comparator: checked first, without a promise per input.
  const agree = async (input: Uint8Array, round: Round) =>
    round.sideEffects.length === 0 &&
    (round.outcomes.every((result) => sameOutcome(result, round.outcomes[0]!)) ||
      (comparator.spec.kind !== 'exact' &&
        (await verdictsOf(comparator, round.outcomes, input)).every((verdict) => verdict.equal)));
  const outcomes: Record<string, number> = {};
  let done = 0;
  let failedRun = 0;
  const config = options.config === undefined ? undefined : encodeConfig(options.config);
  const inputs = options.grammar.inputs(fc, { maxSize: options.maxSize, config });
  const property = fc.asyncProperty(inputs, async (input) => {
    const round = await roundOf(plugins, input);
    const results = round.outcomes;
    const agreed = await agree(input, round);
    if (failedRun > 0) return agreed; // shrinking: the counts are settled
    done += 1;
    if (!agreed) failedRun = done;
    else outcomes[outcomeKind(results[0]!)] = (outcomes[outcomeKind(results[0]!)] ?? 0) + 1;
    if (done % PROGRESS_EVERY === 0) options.onProgress?.(done, options.runs);
    return agreed;
  });
  const details = await fc.check(property, { numRuns: options.runs, seed: options.seed });
  options.onProgress?.(done, options.runs);
  const report = { ...emptyReport(artifacts, options), outcomes };
  if (!details.failed) return report;
  if (details.counterexample === null) throw details.errorInstance;
  const [shrunk] = details.counterexample;
  const { input, ...content } = await shrinkContent(shrunk, async (candidate) => {
    return !(await agree(candidate, await roundOf(plugins, candidate)));
  });
  const { outcomes: results, sideEffects: divergentEffects } = await roundOf(plugins, input);
  return {
    ...report,
    runs: failedRun,
    divergence: {
      input,
      results: artifacts.map((artifact, index) => ({
        label: artifact.label,
        outcome: results[index]!,
      })),
      verdicts: await verdictsOf(comparator, results, input),
      sideEffects: divergentEffects,
      shrunkLength: shrunk.length,
      content,
      failedRun,
      shrinks: details.numShrinks,
      path: details.counterexamplePath ?? undefined,
      suggestedCase: suggestCase({ input, expected: results[0]!, config, seed: options.seed }),
      savedTo: undefined,
    },
  };
}
