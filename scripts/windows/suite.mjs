// Runs the Windows suite (dist/windows/suite/*.win-test.js) with node:test under Windows
// Node.js, and reads its results back from the JSON-lines reporter's file.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { abs } from '../build-plugins/util.mjs';
import { runWine } from './wine.mjs';

const SUITE_DIR = 'dist/windows/suite';
/** A guard against a wedged run, far above the suite's usual minute. */
const SUITE_TIMEOUT_MS = 20 * 60_000;

/** Reads the reporter's lines: every finished test, and the totals node:test printed. */
export function readSuiteResults(file) {
  const lines = existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean) : [];
  const events = lines.map((line) => JSON.parse(line));
  const tests = events.filter((event) => event.type === 'test' && event.kind === 'test');
  const totals = events.find((event) => event.type === 'totals');
  return { tests, totals };
}

/** Runs the suite (the files whose name contains `files`, when given); resolves { files, tests, passed, failed, skipped, failures, exitCode }. */
export async function runSuite({ wine, nodeExe, reportsDir, files: only }) {
  const files = readdirSync(abs(SUITE_DIR))
    .filter((name) => name.endsWith('.win-test.js') && (!only || name.includes(only)))
    .sort()
    .map((name) => `${SUITE_DIR}/${name}`);
  if (files.length === 0) throw new Error(`no *.win-test.js in ${SUITE_DIR}: run npm run build`);
  const jsonl = path.join(reportsDir, 'suite.jsonl');
  const log = path.join(reportsDir, 'suite.log');
  const args = [
    nodeExe,
    '--test',
    '--test-concurrency=1',
    '--test-reporter=./dist/windows/reporter.js',
    `--test-reporter-destination=${path.relative(abs('.'), jsonl)}`,
    '--test-reporter=spec',
    `--test-reporter-destination=${path.relative(abs('.'), log)}`,
    ...files,
  ];
  const run = await runWine(wine, args, {
    stdout: path.join(reportsDir, 'suite.stdout.txt'),
    stderr: path.join(reportsDir, 'suite.stderr.txt'),
    cwd: abs('.'),
    timeoutMs: SUITE_TIMEOUT_MS,
  });
  const { tests } = readSuiteResults(jsonl);
  const count = (status) => tests.filter((test) => test.status === status).length;
  const failures = tests
    .filter((test) => test.status === 'fail')
    .map(({ name, file, error }) => ({ name, file: file && path.win32.basename(file), error }));
  if (run.timedOut) failures.push({ name: 'the suite', error: 'stopped after its time limit' });
  // A suite that died before reporting anything must not read as zero failures.
  if (run.code !== 0 && failures.length === 0)
    failures.push({ name: 'the suite', error: `node.exe exited ${run.code}; see ${log}` });
  return {
    files: files.map((file) => path.basename(file)),
    tests: tests.length,
    passed: count('pass'),
    failed: failures.length,
    skipped: count('skip'),
    failures,
    exitCode: run.code,
  };
}
