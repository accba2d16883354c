import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../scripts/artifacts.js';

interface AssertionResult {
  ancestorTitles: string[];
  title: string;
  status: 'passed' | 'failed' | 'skipped' | 'pending';
  failureMessages: string[];
}

/** Runs conformance/test-support/helper-suite.fixture.ts in a child vitest, as a plugin author's CI would. */
function runFixtureSuite(): AssertionResult[] {
  const root = repoRoot();
  const output = join(mkdtempSync(join(tmpdir(), 'twinplug-vitest-')), 'report.json');
  const vitest = join(root, 'node_modules', 'vitest', 'vitest.mjs');
  const config = join(root, 'conformance', 'test-support', 'helper-suite.config.ts');
  spawnSync(
    process.execPath,
    [vitest, 'run', '--config', config, '--reporter=json', `--outputFile=${output}`],
    {
      cwd: root,
      encoding: 'utf8',
      timeout: 120_000,
    },
  );
  const report = JSON.parse(readFileSync(output, 'utf8')) as {
    testResults: { assertionResults: AssertionResult[] }[];
  };
  return report.testResults.flatMap((file) => file.assertionResults);
}

describe('describeConformance', () => {
  let results: AssertionResult[] = [];
  const find = (suite: string, title: RegExp) =>
    results.filter((result) => result.ancestorTitles.includes(suite) && title.test(result.title));

  beforeAll(() => {
    results = runFixtureSuite();
  }, 120_000);

  it('makes one test per case, failing only the case the divergent twin gets wrong, with a hex diff', () => {
    const cases = find('upper against a divergent twin', /^case: /);
    expect(cases).toHaveLength(8);
    const failed = cases.filter((result) => result.status === 'failed');
    expect(failed.map((result) => result.title)).toEqual(['case: every byte value']);
    expect(failed[0]!.failureMessages[0]).toContain('first difference at byte 224');
  });

  it('fails the fuzz test with the minimal input and a case to paste', () => {
    const [fuzz] = find(
      'upper against a divergent twin',
      /^fuzz: 1000 inputs \(grammar bytes, seed 1\)/,
    );
    expect(fuzz?.status).toBe('failed');
    expect(fuzz?.failureMessages[0]).toContain('minimal input (1 byte): {"hex":"e0"}');
    expect(fuzz?.failureMessages[0]).toContain(
      '"input":{"hex":"e0"},"expect":{"output":{"hex":"e0"}}',
    );
  });

  it('shows each artifact that cannot run as a skipped test carrying the reason', () => {
    const [skip] = find(
      'upper against a divergent twin',
      /^upper \(msvc\): skipped, no MSVC on this machine$/,
    );
    expect(skip?.status).toBe('skipped');
  });

  it('passes a single artifact on its cases and skips fuzzing visibly, saying why', () => {
    const alone = results.filter((result) => result.ancestorTitles.includes('upper alone'));
    expect(alone.filter((result) => result.status === 'passed')).toHaveLength(8);
    const skipped = alone.filter((result) => result.status === 'skipped');
    expect(skipped.map((result) => result.title)).toEqual([
      expect.stringMatching(/^fuzz: .*: skipped, needs two artifacts that run on this host$/),
    ]);
  });

  it('skips every case, saying why, when no artifact runs: nothing passes vacuously', () => {
    const nothing = results.filter((result) => result.ancestorTitles.includes('nothing runs here'));
    expect(nothing.filter((result) => result.status !== 'skipped')).toEqual([]);
    expect(
      nothing.filter((result) => result.title.endsWith(': skipped, no artifact runs on this host')),
    ).toHaveLength(8);
  });
});
