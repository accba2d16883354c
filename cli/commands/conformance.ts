import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import {
  type Comparator,
  ConformanceError,
  type ConformanceReport,
  createComparator,
  formatText,
  runConformance,
  toJsonReport,
  toJunitXml,
} from '../../conformance/index.js';
import { describeComparator } from '../../runtime/index.js';
import { type Command, EXIT_FAILURE, EXIT_OK, EXIT_USAGE } from '../command.js';
import {
  type ConformancePlan,
  planConformance,
  type ReportTarget,
} from '../conformance-options.js';
import { parseCommandLine } from '../parse.js';
import { createProgressLine } from '../progress-line.js';
import { reportPluginError, writeError } from '../report-error.js';

async function writeReport(target: ReportTarget, report: ConformanceReport): Promise<void> {
  const text =
    target.format === 'junit'
      ? toJunitXml(report)
      : `${JSON.stringify(toJsonReport(report), null, 2)}\n`;
  try {
    await mkdir(dirname(target.file), { recursive: true });
    await writeFile(target.file, text);
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new ConformanceError(
      'CONFORMANCE_REPORT_UNWRITABLE',
      `cannot write ${target.file}: ${reason}`,
      {
        cause: error,
      },
    );
  }
}

function headline(plan: ConformancePlan): string {
  const parts = [
    `${plan.artifacts.length} artifact(s)`,
    `${plan.cases.length} case(s)`,
    `comparator ${describeComparator(plan.compare)}`,
  ];
  const { fuzz } = plan;
  parts.push(
    fuzz === undefined
      ? 'no fuzzing'
      : `fuzz ${fuzz.runs} inputs (grammar ${fuzz.grammar.name}, seed ${fuzz.seed}, up to ${fuzz.maxSize} bytes)`,
  );
  return `twinplug conformance: ${parts.join(', ')}\n\n`;
}

/** Load and setup failures are exit 2, like usage errors: nothing was compared. */
function reportSetupError(error: unknown): number {
  if (error instanceof ConformanceError) {
    writeError('conformance', { code: error.code, message: error.message });
    return EXIT_USAGE;
  }
  return reportPluginError('conformance', error, EXIT_USAGE);
}

async function run(args: readonly string[]): Promise<number> {
  const { values, positionals } = parseCommandLine(args, {
    plugin: { type: 'string' },
    cases: { type: 'string' },
    fuzz: { type: 'string' },
    seed: { type: 'string' },
    'max-size': { type: 'string' },
    config: { type: 'string' },
    capabilities: { type: 'string' },
    grammar: { type: 'string' },
    report: { type: 'string', multiple: true },
    'require-all': { type: 'boolean' },
    compare: { type: 'string' },
    'save-failures': { type: 'string' },
  });
  const progress = createProgressLine(process.stderr);
  let report: ConformanceReport;
  let comparator: Comparator | undefined;
  try {
    const plan = await planConformance(values, positionals);
    process.stdout.write(headline(plan));
    comparator = await createComparator(plan.compare);
    report = await runConformance({
      ...plan,
      comparator,
      onProgress: (phase, done, total) => progress.update(phase, done, total),
    });
    progress.end();
    process.stdout.write(formatText(report));
    for (const target of plan.reports) await writeReport(target, report);
  } catch (error) {
    progress.end();
    return reportSetupError(error);
  } finally {
    await comparator?.close();
  }
  return report.pass ? EXIT_OK : EXIT_FAILURE;
}

export const conformanceCommand: Command = {
  name: 'conformance',
  usage:
    'twinplug conformance <artifact...> [--plugin DIR] [--cases FILE] [--fuzz N] [--seed S] [--max-size BYTES] [--config JSON] [--capabilities JSON] [--grammar NAME] [--report junit:FILE] [--report json:FILE] [--require-all] [--compare exact|json|json:float64|decode:PATH|custom:PATH] [--save-failures DIR]',
  summary:
    'Runs the cases against every artifact and fuzzes them against each other, comparing outputs and host-call side effects; exit 0 all agree, 1 divergence or failed case, 2 usage or load error.',
  run,
};
