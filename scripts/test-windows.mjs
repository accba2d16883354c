// npm run test:windows: twinplug on Windows binaries, without Windows (docs/windows.md).
//
//   node scripts/test-windows.mjs [--only=suite|conformance] [--files=<part of a suite file name>]
//
// Cross-builds the native plugins into DLLs with MinGW (VERSIONINFO included), fetches the
// pinned Windows Node.js and koffi prebuild into .cache/windows/, and runs, under Wine with
// that node.exe against the compiled dist/: the Windows suite (node:test) and each sample's
// conformance, DLL against its Wasm twins. Writes reports/windows.json and exits 0 only if
// everything passed. TWINPLUG_WINDOWS_REGRESSION=upper-divergent swaps a divergent DLL in for
// upper's, and the run must then fail (reporting to reports/windows-regression.json). Needs
// scripts/install-windows-toolchain.sh first.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { abs, run, which } from './build-plugins/util.mjs';
import { REGRESSIONS, runConformance } from './windows/conformance.mjs';
import { fetchPinned, placeKoffiPrebuild } from './windows/fetch.mjs';
import { checkKoffiPin, PINS } from './windows/pins.mjs';
import { buildReport, summaryLines, writeReport } from './windows/report.mjs';
import { runSuite } from './windows/suite.mjs';
import { ensurePrefix, findWine, keepWineserver, runWine } from './windows/wine.mjs';

const started = Date.now();
const log = (line) => console.log(`windows: ${line}`);
const fail = (message) => {
  console.error(`windows: ${message}`);
  process.exit(1);
};
// A regression run reports beside the real one, never over it.
const REPORT_NAME = process.env.TWINPLUG_WINDOWS_REGRESSION ? 'windows-regression' : 'windows';
const REPORTS = abs(`reports/${REPORT_NAME}`);

function options() {
  const { values } = parseArgs({
    options: { only: { type: 'string' }, files: { type: 'string' } },
  });
  if (values.only !== undefined && !['suite', 'conformance'].includes(values.only))
    fail(`--only takes suite or conformance, got ${values.only}`);
  const name = process.env.TWINPLUG_WINDOWS_REGRESSION;
  if (name && !REGRESSIONS[name])
    fail(
      `TWINPLUG_WINDOWS_REGRESSION=${name} is not one of ${Object.keys(REGRESSIONS).join(', ')}`,
    );
  return { only: values.only, files: values.files, regressionName: name || undefined };
}

async function tools() {
  const needed = ['x86_64-w64-mingw32-gcc', 'x86_64-w64-mingw32-g++', 'x86_64-w64-mingw32-windres'];
  const missing = [];
  for (const name of needed) if (!(await which(name))) missing.push(name);
  const wine = await findWine();
  if (!wine) missing.push('wine64');
  if (missing.length > 0)
    fail(`missing ${missing.join(', ')}: run bash scripts/install-windows-toolchain.sh`);
  return wine;
}

async function buildPlugins() {
  for (const args of [[], ['--target=win32-x64']]) {
    const result = await run(process.execPath, ['scripts/build-plugins.mjs', ...args]);
    for (const line of result.stdout.trim().split('\n')) log(line);
    if (!result.ok) fail(`build-plugins ${args.join(' ')} failed:\n${result.stderr}`);
  }
}

async function environment(wine, nodeExe) {
  const version = await runWine(wine, [nodeExe, '--version'], {
    stdout: path.join(REPORTS, 'node-version.txt'),
    stderr: path.join(REPORTS, 'node-version.stderr.txt'),
    cwd: abs('.'),
    timeoutMs: 120_000,
  });
  if (version.code !== 0) fail(`Windows Node.js did not start; see ${REPORTS}/node-version.*`);
  const wineVersion = (await run(wine, ['--version'])).stdout.trim();
  return {
    node: readFileSync(path.join(REPORTS, 'node-version.txt'), 'utf8').trim(),
    koffi: PINS.koffi.version,
    wine: wineVersion,
    nodeExe: path.relative(abs('.'), nodeExe),
  };
}

const { only, files, regressionName } = options();
const wine = await tools();
try {
  checkKoffiPin();
} catch (error) {
  fail(error.message);
}
const nodeDir = await fetchPinned(PINS.node, log);
placeKoffiPrebuild(PINS.koffi, await fetchPinned(PINS.koffi, log), log);
await buildPlugins();
await ensurePrefix(wine, log);
await keepWineserver(wine);
const nodeExe = path.join(nodeDir, 'bin', 'node.exe');
const env = await environment(wine, nodeExe);
log(`Windows Node.js ${env.node} under ${env.wine}, koffi ${env.koffi}`);
if (regressionName) log(`regression ${regressionName}: this run must fail`);

const suite =
  only === 'conformance'
    ? undefined
    : await runSuite({ wine, nodeExe, reportsDir: REPORTS, files });
const conformance =
  only === 'suite'
    ? undefined
    : await runConformance({
        wine,
        nodeExe,
        reportsDir: REPORTS,
        regression: regressionName && REGRESSIONS[regressionName],
      });
const report = buildReport({
  environment: env,
  suite,
  conformance,
  regression: regressionName,
  durationMs: Date.now() - started,
});
writeReport(abs(`reports/${REPORT_NAME}.json`), report);
const lines = summaryLines(report);
for (const line of lines.slice(0, -1)) log(line);
const seconds = Math.round(report.durationMs / 1000);
log(`report: reports/${REPORT_NAME}.json, logs in reports/${REPORT_NAME}/ (${seconds} s)`);
log(lines.at(-1)); // the closing count of tests and conformance cases, last
process.exitCode = report.pass ? 0 : 1;
