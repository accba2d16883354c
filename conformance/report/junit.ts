import type { CaseReport } from '../case-suite.js';
import type { ConformanceReport } from '../run-conformance.js';
import { sideEffectLines } from './side-effects.js';
import { expectationLines, fuzzLines, verdictLines } from './text.js';

// biome-ignore lint/suspicious/noControlCharactersInRegex: XML 1.0 forbids these characters
const XML_INVALID = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g;

function xml(text: string): string {
  return text
    .replace(XML_INVALID, '\ufffd')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}

interface TestCase {
  readonly name: string;
  readonly failure?: { message: string; body: string };
  readonly skipped?: string;
}

function testCaseXml(suite: string, test: TestCase): string {
  const open = `    <testcase classname="${xml(suite)}" name="${xml(test.name)}"`;
  if (test.skipped !== undefined)
    return `${open}><skipped message="${xml(test.skipped)}"/></testcase>`;
  if (test.failure === undefined) return `${open}/>`;
  const { message, body } = test.failure;
  return `${open}><failure message="${xml(message)}">${xml(body)}</failure></testcase>`;
}

function suiteXml(name: string, tests: readonly TestCase[]): string {
  const failures = tests.filter((test) => test.failure !== undefined).length;
  const skipped = tests.filter((test) => test.skipped !== undefined).length;
  const head = `  <testsuite name="${xml(name)}" tests="${tests.length}" failures="${failures}" errors="0" skipped="${skipped}">`;
  return [head, ...tests.map((test) => testCaseXml(name, test)), '  </testsuite>'].join('\n');
}

function agreementTest(entry: CaseReport): TestCase {
  if (entry.disagreeing.length === 0 && entry.sideEffects.length === 0)
    return { name: entry.case.name };
  const reference = entry.results[0]!;
  const labels = entry.results.map((result) => result.label);
  const outputs = entry.results
    .filter((result) => entry.disagreeing.includes(result.label))
    .flatMap((result) =>
      verdictLines(result.verdict, reference.outcome, result.outcome, [
        reference.label,
        result.label,
      ]),
    );
  const effects = entry.sideEffects.flatMap((divergence) => sideEffectLines(divergence, labels));
  const differing = [
    ...new Set([...entry.disagreeing, ...entry.sideEffects.map((divergence) => divergence.label)]),
  ];
  return {
    name: entry.case.name,
    failure: {
      message: `differs from ${reference.label} under ${entry.comparator}: ${differing.join(', ')}`,
      body: [...outputs, ...effects].join('\n'),
    },
  };
}

function fuzzTests(report: ConformanceReport): TestCase[] {
  const fuzz = report.fuzz;
  if (report.fuzzSkipped !== undefined)
    return [{ name: 'differential fuzzing', skipped: report.fuzzSkipped }];
  if (fuzz === undefined) return [];
  const name = `${fuzz.requested} inputs, grammar ${fuzz.grammar}, seed ${fuzz.seed}`;
  if (fuzz.divergence === undefined && fuzz.initDivergence === undefined) return [{ name }];
  const body = fuzzLines(fuzz).join('\n');
  return [{ name, failure: { message: 'the artifacts diverge', body } }];
}

/**
 * JUnit XML (`--report junit:FILE`): a suite per artifact with a test per case (all skipped,
 * with the reason, for a skipped artifact), an "agreement" suite with a test per case, and a
 * "fuzz" suite.
 */
export function toJunitXml(report: ConformanceReport): string {
  const perArtifact = report.cases.length === 0 ? [] : report.artifacts;
  const suites = perArtifact.map((artifact, index) =>
    suiteXml(
      artifact.label,
      report.cases.map((entry) => {
        const result = entry.results[index]!;
        if (result.pass) return { name: entry.case.name };
        const body = expectationLines(entry, index).join('\n');
        return { name: entry.case.name, failure: { message: result.reason ?? 'failed', body } };
      }),
    ),
  );
  for (const { label, reason } of report.skipped) {
    const names =
      report.cases.length === 0 ? ['conformance'] : report.cases.map((entry) => entry.case.name);
    suites.push(
      suiteXml(
        label,
        names.map((name) => ({ name, skipped: reason })),
      ),
    );
  }
  if (report.artifacts.length > 1 && report.cases.length > 0)
    suites.push(suiteXml('agreement', report.cases.map(agreementTest)));
  suites.push(suiteXml('fuzz', fuzzTests(report)));
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="twinplug conformance">\n${suites.join('\n')}\n</testsuites>\n`;
}
