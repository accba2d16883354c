// node scripts/windows/check-regression.mjs <exit status>: after a run with
// TWINPLUG_WINDOWS_REGRESSION=upper-divergent, checks that it failed, and for the right reason:
// upper's conformance failed on the divergent DLL while the other samples passed.
import { readFileSync } from 'node:fs';
import { abs } from '../build-plugins/util.mjs';

const status = Number(process.argv[2]);
const report = JSON.parse(readFileSync(abs('reports/windows-regression.json'), 'utf8'));
const plugins = report.conformance?.plugins ?? [];
const upper = plugins.find((plugin) => plugin.name === 'upper');
const others = plugins.filter((plugin) => plugin.name !== 'upper');
const problems = [];
if (status !== 1) problems.push(`the run exited ${status}, not 1`);
if (report.regression !== 'upper-divergent') problems.push('the run carried no regression');
if (!upper || upper.pass || upper.exitCode !== 1)
  problems.push("upper's conformance did not fail on the divergent DLL");
if (others.length === 0 || others.some((plugin) => !plugin.pass))
  problems.push('a sample other than upper failed too: the failure is not the regression');
if (problems.length > 0) {
  console.error(
    `windows: regression check: ${problems.join('; ')} (reports/windows-regression.log)`,
  );
  process.exit(1);
}
const where = upper.divergence ? `, diverging on input ${upper.divergence.input.hex}` : '';
console.log(
  `windows: the divergent upper DLL fails the Windows conformance run (exit 1, ${upper.casesPassed}/${upper.cases} cases${where}), as it must`,
);
