import {
  type ArtifactSpec,
  DEFAULT_FAILURES_DIR,
  DEFAULT_FUZZ_RUNS,
  DEFAULT_MAX_SIZE,
  type FuzzSettings,
  readPluginFolder,
  resolveGrammar,
} from '../conformance/index.js';
import {
  type Capabilities,
  type ComparatorSpec,
  EXACT,
  type PluginCase,
  type PluginConfig,
  parseComparatorFlag,
  readCaseFile,
} from '../runtime/index.js';
import { UsageError } from './command.js';

export interface ReportTarget {
  readonly format: 'junit' | 'json';
  readonly file: string;
}

export interface ConformanceArgs {
  readonly plugin?: string | undefined;
  readonly cases?: string | undefined;
  readonly fuzz?: string | undefined;
  readonly seed?: string | undefined;
  readonly 'max-size'?: string | undefined;
  readonly config?: string | undefined;
  readonly capabilities?: string | undefined;
  readonly grammar?: string | undefined;
  readonly report?: readonly string[] | undefined;
  readonly 'require-all'?: boolean | undefined;
  readonly compare?: string | undefined;
  readonly 'save-failures'?: string | undefined;
}

/** What the command line asks for, resolved: artifacts, cases, config, fuzzing, reports. */
export interface ConformancePlan {
  readonly artifacts: readonly ArtifactSpec[];
  readonly cases: readonly PluginCase[];
  readonly casesPlugin: string | undefined;
  readonly config: PluginConfig | undefined;
  readonly capabilities: Capabilities | undefined;
  readonly fuzz: FuzzSettings | undefined;
  readonly reports: readonly ReportTarget[];
  readonly requireAll: boolean;
  /** --compare, else cases.json's `compare`, else plugin.json's, else exact. */
  readonly compare: ComparatorSpec;
  /** Where a fuzz divergence's suggested case is written. */
  readonly saveFailuresDir: string;
}

const MAX_RUNS = 100_000_000;
const MAX_SIZE = 64 * 1024 * 1024;

function integer(
  text: string | undefined,
  flag: string,
  min: number,
  max: number,
): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!/^-?\d+$/.test(text.trim()) || !Number.isSafeInteger(value) || value < min || value > max)
    throw new UsageError(`${flag} takes an integer from ${min} to ${max}, got "${text}"`);
  return value;
}

export function parseReports(values: readonly string[] = []): ReportTarget[] {
  return values.map((value) => {
    const match = /^(junit|json):(.+)$/.exec(value);
    if (match === null)
      throw new UsageError(`--report takes junit:FILE or json:FILE, got "${value}"`);
    return { format: match[1] as 'junit' | 'json', file: match[2]! };
  });
}

function parseConfig(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  try {
    JSON.parse(text);
  } catch {
    throw new UsageError('--config takes JSON text');
  }
  // The text as given: Initialize gets exactly these bytes.
  return text;
}

/** --capabilities: JSON the runtime checks at load, as it checks plugin.json's. */
function parseCapabilities(text: string | undefined): Capabilities | undefined {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as Capabilities;
  } catch {
    throw new UsageError('--capabilities takes JSON text');
  }
}

function parseCompare(text: string | undefined): ComparatorSpec | undefined {
  if (text === undefined) return undefined;
  const parsed = parseComparatorFlag(text, process.cwd());
  if (!parsed.ok)
    throw new UsageError(
      `${parsed.message} (--compare takes exact, json, json:float64, decode:PATH, custom:PATH)`,
    );
  return parsed.spec;
}

/** A seed fast-check accepts, different on every run; the report prints it for replay. */
export function randomSeed(): number {
  return Math.floor(Math.random() * 2 ** 31);
}

async function fuzzSettings(args: ConformanceArgs): Promise<FuzzSettings | undefined> {
  const runs = integer(args.fuzz, '--fuzz', 0, MAX_RUNS) ?? DEFAULT_FUZZ_RUNS;
  const seed = integer(args.seed, '--seed', -(2 ** 31), 2 ** 31 - 1) ?? randomSeed();
  const maxSize = integer(args['max-size'], '--max-size', 1, MAX_SIZE) ?? DEFAULT_MAX_SIZE;
  const grammar = await resolveGrammar(args.grammar);
  return runs === 0 ? undefined : { runs, seed, maxSize, grammar };
}

/**
 * Turns parsed flags and positional artifacts into a plan. `--plugin DIR` contributes its
 * artifacts (first), its plugin.json config and capabilities, and its cases.json; explicit
 * flags win.
 */
export async function planConformance(
  args: ConformanceArgs,
  positionals: readonly string[],
): Promise<ConformancePlan> {
  const folder = args.plugin === undefined ? undefined : await readPluginFolder(args.plugin);
  const artifacts = [...(folder?.artifacts ?? []), ...positionals.map((path) => ({ path }))];
  if (artifacts.length === 0) throw new UsageError('give at least one artifact, or --plugin DIR');
  const casesPath = args.cases ?? folder?.casesPath;
  const caseFile = casesPath === undefined ? undefined : await readCaseFile(casesPath);
  return {
    artifacts,
    cases: caseFile?.cases ?? [],
    casesPlugin: caseFile?.plugin,
    config: parseConfig(args.config) ?? folder?.config,
    capabilities: parseCapabilities(args.capabilities) ?? folder?.capabilities,
    fuzz: await fuzzSettings(args),
    reports: parseReports(args.report),
    requireAll: args['require-all'] ?? false,
    compare: parseCompare(args.compare) ?? caseFile?.compare ?? folder?.compare ?? EXACT,
    saveFailuresDir: args['save-failures'] ?? DEFAULT_FAILURES_DIR,
  };
}
