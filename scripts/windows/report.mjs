// The Windows run's report: reports/windows.json for machines, a few lines for people, and the
// closing "N passed, N failed" line CI reads.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const plural = (count, word) => `${count.toLocaleString('en-US')} ${word}${count === 1 ? '' : 's'}`;

/** Folds the suite and conformance results into one report; `pass` is the run's verdict. */
export function buildReport({ environment, suite, conformance, regression, durationMs }) {
  const plugins = conformance ?? [];
  const conformanceTotals = {
    pluginCount: plugins.length,
    pluginsPassed: plugins.filter((plugin) => plugin.pass).length,
    cases: plugins.reduce((sum, plugin) => sum + plugin.cases, 0),
    casesPassed: plugins.reduce((sum, plugin) => sum + plugin.casesPassed, 0),
    caseRuns: plugins.reduce((sum, plugin) => sum + plugin.caseRuns, 0),
    fuzzRuns: plugins.reduce((sum, plugin) => sum + plugin.fuzzRuns, 0),
  };
  const suitePass = suite === undefined || (suite.failed === 0 && suite.passed > 0);
  const conformancePass =
    conformance === undefined || (plugins.length > 0 && plugins.every((plugin) => plugin.pass));
  return {
    pass: suitePass && conformancePass,
    regression: regression ?? null,
    durationMs,
    environment,
    suite: suite ?? null,
    conformance: conformance === undefined ? null : { ...conformanceTotals, plugins },
  };
}

export function writeReport(file, report) {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
}

/** The summary lines; the last one is the closing count of tests and conformance cases. */
export function summaryLines(report) {
  const lines = [];
  const { suite, conformance } = report;
  if (suite) {
    lines.push(
      `suite: ${suite.passed} of ${plural(suite.tests, 'test')} passed, ${suite.failed} failed, ${suite.skipped} skipped (${plural(suite.files.length, 'file')})`,
    );
    for (const failure of suite.failures)
      lines.push(`  FAILED ${failure.name}: ${(failure.error ?? '').split('\n')[0]}`);
  }
  if (conformance) {
    lines.push(
      `conformance: ${conformance.pluginsPassed} of ${plural(conformance.pluginCount, 'plugin')} conform; ${conformance.casesPassed} of ${plural(conformance.cases, 'case')} passed on every artifact (${plural(conformance.caseRuns, 'case run')}), ${plural(conformance.fuzzRuns, 'fuzz input')} compared`,
    );
    for (const plugin of conformance.plugins) {
      const verdict = plugin.pass ? 'ok' : `FAILED (exit ${plugin.exitCode})`;
      const divergence = plugin.divergence
        ? `, diverges on input ${plugin.divergence.input.hex}`
        : '';
      lines.push(
        `  ${plugin.name}: ${verdict}, ${plugin.casesPassed}/${plugin.cases} cases on ${plugin.artifacts.length} artifacts, ${plugin.fuzzRuns} fuzz inputs (seed ${plugin.fuzzSeed})${divergence} [${plugin.dll}]`,
      );
    }
  }
  const passed = (suite?.passed ?? 0) + (conformance?.casesPassed ?? 0);
  const failed =
    (suite?.failed ?? 0) +
    (conformance ? conformance.cases - conformance.casesPassed : 0) +
    (conformance?.plugins.filter(
      (plugin) => plugin.pass === false && plugin.cases === plugin.casesPassed,
    ).length ?? 0);
  lines.push(`${passed} passed, ${failed} failed`);
  return lines;
}
