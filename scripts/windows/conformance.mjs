// Conformance on Windows: each sample's MinGW DLL against its Wasm twins, through the
// `twinplug conformance` CLI run by Windows Node.js, with a JSON report read back here.
import { copyFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { abs } from '../build-plugins/util.mjs';
import { CACHE } from './fetch.mjs';
import { runWine } from './wine.mjs';

const SAMPLES = ['upper', 'crc32', 'pricing', 'redact'];
export const FUZZ_RUNS = 10_000;
export const FUZZ_SEED = 20_260_101;
const TIMEOUT_MS = 10 * 60_000;

/** As in conformance/samples.test.ts: each sample's fuzz grammar, and redact's config. */
const FUZZ_ARGS = {
  upper: ['--grammar', 'bytes'],
  crc32: ['--grammar', 'bytes'],
  pricing: ['--grammar', 'pricing-order', '--max-size', String(64 * 1024)],
  redact: [
    '--grammar',
    'redact-text',
    '--config',
    JSON.stringify({
      words: ['secret', 'hunter2', 'ab', 'a', 'Z9'],
      mask: '<REDACTED-BY-TWINPLUG>',
    }),
  ],
};

/**
 * Regressions a run can be told to carry (TWINPLUG_WINDOWS_REGRESSION), to prove it fails:
 * the DLL that stands in for a sample's own.
 */
export const REGRESSIONS = { 'upper-divergent': { sample: 'upper', fixture: 'upper-divergent' } };

function built(manifestFile, name, toolchain, kind = 'sample') {
  const manifest = JSON.parse(readFileSync(abs(manifestFile), 'utf8'));
  return manifest.built.find((e) => e.name === name && e.toolchain === toolchain && e.kind === kind)
    ?.path;
}

/** The DLL to test for a sample: its own build, or a regression's stand-in named like it. */
function dllFor(name, regression) {
  const own = built('build/win32-x64/artifacts.json', name, 'cc');
  if (own === undefined) throw new Error(`build/win32-x64 has no ${name}.dll`);
  if (regression?.sample !== name) return own;
  const standIn = built('build/win32-x64/artifacts.json', regression.fixture, 'cc', 'fixture');
  const staged = path.join(CACHE, 'regression', name, `${name}.dll`);
  mkdirSync(path.dirname(staged), { recursive: true });
  copyFileSync(abs(standIn), staged);
  return path.relative(abs('.'), staged);
}

function summarize(name, dll, report, code) {
  const cases = report?.cases ?? [];
  return {
    name,
    dll,
    artifacts: report?.artifacts.map((artifact) => artifact.path) ?? [],
    cases: cases.length,
    casesPassed: cases.filter((entry) => entry.pass).length,
    caseRuns: cases.reduce((sum, entry) => sum + entry.results.length, 0),
    fuzzRuns: report?.fuzz?.runs ?? 0,
    fuzzSeed: report?.fuzz?.seed,
    divergence: report?.fuzz?.divergence ?? null,
    pass: code === 0 && report?.pass === true,
    exitCode: code,
  };
}

/** Runs one sample's conformance; resolves the summary of its JSON report. */
async function runSample({ wine, nodeExe, reportsDir, name, regression }) {
  const dll = dllFor(name, regression);
  const twins = ['asc', 'clang-wasm']
    .map((toolchain) => built('build/artifacts.json', name, toolchain))
    .filter((twin) => twin !== undefined);
  const reportFile = path.join(reportsDir, `conformance-${name}.json`);
  const args = [
    nodeExe,
    'dist/cli/main.js',
    'conformance',
    dll,
    ...twins,
    '--cases',
    `build/win32-x64/plugins/${name}/cases.json`,
    '--fuzz',
    String(FUZZ_RUNS),
    '--seed',
    String(FUZZ_SEED),
    ...FUZZ_ARGS[name],
    '--report',
    `json:${path.relative(abs('.'), reportFile)}`,
  ];
  const run = await runWine(wine, args, {
    stdout: path.join(reportsDir, `conformance-${name}.txt`),
    stderr: path.join(reportsDir, `conformance-${name}.stderr.txt`),
    cwd: abs('.'),
    timeoutMs: TIMEOUT_MS,
  });
  const report = existsSync(reportFile) ? JSON.parse(readFileSync(reportFile, 'utf8')) : undefined;
  return summarize(name, dll, report, run.timedOut ? 'timeout' : run.code);
}

/** Every sample, one after the other. */
export async function runConformance({ wine, nodeExe, reportsDir, regression }) {
  const plugins = [];
  for (const name of SAMPLES)
    plugins.push(await runSample({ wine, nodeExe, reportsDir, name, regression }));
  return plugins;
}
