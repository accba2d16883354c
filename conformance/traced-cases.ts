import {
  type Capabilities,
  type CaseResult,
  type LoadPluginOptions,
  type PluginCase,
  type PluginConfig,
  runCases,
} from '../runtime/index.js';
import { type ArtifactSpec, artifactLoad } from './artifact-set.js';
import {
  firstDifference,
  HostTraceRecorder,
  sideEffects,
  type TraceDifference,
  type TraceStep,
} from './host-trace.js';

/** The seed of WASI's random_get in every conformance run: the same bytes for every artifact. */
export const CONFORMANCE_SEED = 1;

/** How conformance loads each artifact: what the plugin folder grants, and its config. */
export interface TracedLoadOptions {
  readonly config?: PluginConfig | undefined;
  readonly capabilities?: Capabilities | undefined;
}

/**
 * Load options for one artifact under conformance: deterministic (a fixed clock, seeded random),
 * every host call recorded, and log lines kept out of the terminal (the trace holds them).
 */
export function tracedLoad(
  artifact: ArtifactSpec,
  options: TracedLoadOptions,
  recorder: HostTraceRecorder,
): LoadPluginOptions {
  return {
    ...artifactLoad(artifact),
    ...(options.config !== undefined && { config: options.config }),
    ...(options.capabilities !== undefined && { capabilities: options.capabilities }),
    deterministic: { seed: CONFORMANCE_SEED },
    onHostCall: recorder.record,
    onLog: () => undefined,
  };
}

/** One artifact's case results, and the side effects each case had. */
export interface TracedRun {
  readonly results: CaseResult[];
  readonly traces: ReadonlyMap<PluginCase, readonly TraceStep[]>;
}

/**
 * Runs the cases on one artifact, recording its host calls per case. Calls made while loading
 * (Initialize) count toward the first case run after the load.
 */
export async function runTracedCases(
  artifact: ArtifactSpec,
  cases: readonly PluginCase[],
  options: TracedLoadOptions,
): Promise<TracedRun> {
  const recorder = new HostTraceRecorder();
  const traces = new Map<PluginCase, TraceStep[]>();
  const results = await runCases(tracedLoad(artifact, options, recorder), cases, {
    onCaseDone: (result) => traces.set(result.case, sideEffects(recorder.take())),
  });
  return { results, traces };
}

/** An artifact whose side effects differ from the reference's, and where they first part. */
export interface SideEffectDivergence {
  readonly label: string;
  readonly difference: TraceDifference;
}

/** Each artifact's trace against the first's (the reference), for one case or one input. */
export function sideEffectDivergences(
  traces: readonly { readonly label: string; readonly steps: readonly TraceStep[] }[],
): SideEffectDivergence[] {
  const [reference, ...others] = traces;
  if (reference === undefined) return [];
  return others.flatMap(({ label, steps }) => {
    const difference = firstDifference(reference.steps, steps);
    return difference === undefined ? [] : [{ label, difference }];
  });
}
