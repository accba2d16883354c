import type { CallOutcome } from '../../runtime/index.js';
import type { CaseReport } from '../case-suite.js';
import type { Verdict } from '../compare/comparator.js';
import type { FuzzReport } from '../fuzz/run-fuzz.js';
import { hexDiff } from '../hex-diff.js';
import { describeOutcome } from '../outcome.js';
import type { ConformanceReport } from '../run-conformance.js';
import { byteCount, bytesPreview, casePreview } from './preview.js';
import { sideEffectLines } from './side-effects.js';

const PREVIEW_BYTES = 24;

/** `12 bytes  48 45 4c ...` or the error, for one line of a listing. */
export function previewOutcome(outcome: CallOutcome): string {
  if (!outcome.ok) return describeOutcome(outcome);
  const hex = Buffer.from(outcome.output.subarray(0, PREVIEW_BYTES)).toString('hex');
  const spaced = hex.replace(/(..)(?!$)/g, '$1 ');
  return `${describeOutcome(outcome)}${hex.length > 0 ? `  ${spaced}` : ''}${outcome.output.length > PREVIEW_BYTES ? ' …' : ''}`;
}

/** How two outcomes differ: a hex diff when both produced bytes, both outcomes otherwise. */
export function outcomeDiff(a: CallOutcome, b: CallOutcome, labels: [string, string]): string[] {
  if (a.ok && b.ok) return hexDiff(a.output, b.output, labels);
  const width = Math.max(labels[0].length, labels[1].length);
  return [a, b].map(
    (outcome, side) => `  ${labels[side]!.padEnd(width)}  ${previewOutcome(outcome)}`,
  );
}

/**
 * Who judged and why not, then what it compared: for `decode`, the decoded bytes' diff; for
 * every comparator but `exact`, the raw outputs' diff as well.
 */
export function verdictLines(
  verdict: Verdict,
  a: CallOutcome,
  b: CallOutcome,
  labels: [string, string],
): string[] {
  const lines = [`  judged by ${verdict.comparator}: ${verdict.why ?? 'equivalent'}`];
  const { compared } = verdict;
  if (compared !== undefined) {
    lines.push(
      `  ${compared.what} (${byteCount(compared.a.length)} and ${byteCount(compared.b.length)}):`,
    );
    lines.push(...hexDiff(compared.a, compared.b, labels));
    lines.push('  raw outputs:');
  }
  return [...lines, ...outcomeDiff(a, b, labels)];
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

function indent(lines: readonly string[], by: string): string[] {
  return lines.map((line) => `${by}${line}`);
}

function artifactLines(report: ConformanceReport): string[] {
  const lines = ['artifacts'];
  const width = Math.max(...report.artifacts.map((artifact) => artifact.label.length));
  for (const [index, artifact] of report.artifacts.entries()) {
    const { backend, info } = artifact.report;
    const role = index === 0 ? '  (reference)' : '';
    const label = artifact.label.padEnd(width);
    lines.push(
      `  [${index + 1}] ${backend.padEnd(6)}  ${label}  ${info.name} ${info.version}${role}`,
    );
  }
  for (const entry of report.skipped) lines.push(`  [-] skipped ${entry.label}: ${entry.reason}`);
  return lines;
}

/** Why a case failed on one artifact, with a hex diff against the expected bytes. */
export function expectationLines(entry: CaseReport, index: number): string[] {
  const result = entry.results[index]!;
  const tag = `[${index + 1}]`;
  const lines = [`    ${tag} ${result.reason}`];
  const { expect } = entry.case;
  if (expect.kind === 'output' && result.outcome.ok)
    lines.push(...indent(hexDiff(expect.output, result.outcome.output, ['expected', tag]), '    '));
  if (expect.kind === 'json' && result.outcome.ok) {
    lines.push(`      expected JSON ${casePreview(expect.json).text}`);
    lines.push(`      ${tag} ${previewOutcome(result.outcome)}`);
  }
  return lines;
}

/** A failing case: why on each artifact, and how the artifacts differ from the reference. */
export function caseLines(entry: CaseReport, labels: readonly string[]): string[] {
  const lines = [`  FAIL ${entry.case.name}`];
  entry.results.forEach((result, index) => {
    if (!result.pass) lines.push(...expectationLines(entry, index));
  });
  const reference = entry.results[0]!;
  for (const label of entry.disagreeing) {
    const index = labels.indexOf(label);
    lines.push(`    [${index + 1}] behaves differently from [1]:`);
    const result = entry.results[index]!;
    const diff = verdictLines(result.verdict, reference.outcome, result.outcome, [
      '[1]',
      `[${index + 1}]`,
    ]);
    lines.push(...indent(diff, '    '));
  }
  for (const divergence of entry.sideEffects)
    lines.push(...indent(sideEffectLines(divergence, labels), '    '));
  return lines;
}

function casesSection(report: ConformanceReport): string[] {
  if (report.cases.length === 0) return [];
  const failed = report.cases.filter((entry) => !entry.pass);
  const labels = report.artifacts.map((artifact) => artifact.label);
  const head = `cases: ${report.cases.length - failed.length} of ${report.cases.length} passed on all ${labels.length} artifact(s)`;
  const perArtifact = labels.map((_, index) => {
    const passed = report.cases.filter((entry) => entry.results[index]!.pass).length;
    return `[${index + 1}] ${passed}/${report.cases.length}`;
  });
  const agreed = report.cases.filter(
    (entry) => entry.disagreeing.length === 0 && entry.sideEffects.length === 0,
  ).length;
  const comparator = report.cases[0]!.comparator;
  const alike = comparator === 'exact' ? 'identical' : `equivalent under ${comparator}`;
  const tally = `  met the expectation: ${perArtifact.join(', ')}; ${alike} across artifacts: ${agreed}/${report.cases.length}`;
  return ['', head, tally, ...failed.flatMap((entry) => caseLines(entry, labels))];
}

function histogram(outcomes: Readonly<Record<string, number>>): string {
  return Object.entries(outcomes)
    .sort((a, b) => b[1] - a[1])
    .map(([kind, count]) => `${kind} ${count}`)
    .join(', ');
}

function shrinkLine(fuzz: FuzzReport): string {
  const { shrunkLength, content, input } = fuzz.divergence!;
  const simplified =
    content.tries === 0
      ? ''
      : `; content simplified (${content.tries} tries) to ${plural(content.distinctBytes, 'distinct byte value')}`;
  const shorter = input.length < shrunkLength ? `, cut from ${byteCount(shrunkLength)}` : '';
  return `  diverges from ${byteCount(content.minLength)}: the shortest diverging input found${shorter}${simplified}`;
}

function suggestedLines(fuzz: FuzzReport): string[] {
  const { suggestedCase, savedTo } = fuzz.divergence!;
  const preview = casePreview(suggestedCase);
  const lines = [
    `  case for your cases file (it expects [1], the reference; edit "expect" if [1] is the one at fault)${preview.whole ? ':' : ', preview:'}`,
    `  ${preview.text}`,
  ];
  if (savedTo !== undefined)
    lines.push(`  saved whole to ${savedTo} (a cases file: run it with --cases)`);
  return lines;
}

function divergenceLines(fuzz: FuzzReport): string[] {
  const divergence = fuzz.divergence!;
  const { input, results, verdicts } = divergence;
  const lines = [
    `fuzz: DIVERGENCE at input ${divergence.failedRun} of ${fuzz.requested} (grammar ${fuzz.grammar}, seed ${fuzz.seed}; comparator ${fuzz.comparator}; shrunk ${divergence.shrinks} times)`,
    `  minimal input (${byteCount(input.length)}): ${bytesPreview(input)}`,
    shrinkLine(fuzz),
  ];
  results.forEach((result, index) => {
    lines.push(`  [${index + 1}] ${previewOutcome(result.outcome)}`);
  });
  results.slice(1).forEach((result, offset) => {
    const verdict = verdicts[offset + 1]!;
    if (verdict.equal) return;
    const labels: [string, string] = ['[1]', `[${offset + 2}]`];
    lines.push(...verdictLines(verdict, results[0]!.outcome, result.outcome, labels));
  });
  const labels = results.map((result) => result.label);
  for (const entry of divergence.sideEffects)
    lines.push(...indent(sideEffectLines(entry, labels), '  '));
  lines.push(
    `  reproduce: --fuzz ${fuzz.requested} --seed ${fuzz.seed} --grammar ${fuzz.grammar} --max-size ${fuzz.maxSize}`,
    ...suggestedLines(fuzz),
  );
  return lines;
}

/** The fuzzing result: agreement with the outcome counts, or the divergence in full. */
export function fuzzLines(fuzz: FuzzReport): string[] {
  if (fuzz.initDivergence !== undefined) {
    return [
      'fuzz: DIVERGENCE in Initialize: the config is accepted by some artifacts only',
      ...fuzz.initDivergence.map(
        (entry, index) =>
          `  [${index + 1}] ${entry.outcome.ok ? 'accepted' : describeOutcome(entry.outcome)}  ${entry.label}`,
      ),
    ];
  }
  if (fuzz.divergence !== undefined) return divergenceLines(fuzz);
  return [
    `fuzz: ${fuzz.runs} inputs (grammar ${fuzz.grammar}, seed ${fuzz.seed}, up to ${fuzz.maxSize} bytes): all ${fuzz.artifacts.length} artifacts agree (comparator ${fuzz.comparator})`,
    `  outcomes: ${histogram(fuzz.outcomes)}`,
  ];
}

function fuzzSection(report: ConformanceReport): string[] {
  if (report.fuzzSkipped !== undefined) return ['', `fuzz: skipped, ${report.fuzzSkipped}`];
  return report.fuzz === undefined ? [] : ['', ...fuzzLines(report.fuzz)];
}

function summaryLine(report: ConformanceReport): string {
  const failedCases = report.cases.filter((entry) => !entry.pass).length;
  const diverged =
    report.fuzz?.divergence !== undefined || report.fuzz?.initDivergence !== undefined;
  const parts =
    report.cases.length === 0
      ? ['no cases']
      : [`${report.cases.length - failedCases}/${report.cases.length} cases`];
  if (report.fuzz !== undefined)
    parts.push(diverged ? 'fuzz diverged' : `${report.fuzz.runs} fuzz inputs agree`);
  parts.push(`${report.artifacts.length} artifact(s) run, ${report.skipped.length} skipped`);
  return `${report.pass ? 'PASS' : 'FAIL'}: ${parts.join(', ')}`;
}

/**
 * The human report: artifacts, failing cases with hex diffs, the fuzzing result with the
 * minimal input and a case to paste, warnings, and one summary line.
 */
export function formatText(report: ConformanceReport): string {
  const lines = [
    ...artifactLines(report),
    ...casesSection(report),
    ...fuzzSection(report),
    ...(report.warnings.length > 0
      ? ['', ...report.warnings.map((warning) => `warning: ${warning}`)]
      : []),
    '',
    summaryLine(report),
  ];
  return `${lines.join('\n')}\n`;
}
