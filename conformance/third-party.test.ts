import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCaseFile } from '../runtime/index.js';
import { repoRoot } from '../scripts/artifacts.js';
import { built, thirdPartySkip } from './test-support/built.js';
import { stderrWithoutProgress } from './test-support/cli-stderr.js';
import { describeConformance } from './vitest.js';

// Real open-source C libraries, unmodified (LZ4 1.9.2, xxHash 0.6.5, from the npm package lz4),
// built natively and to wasm32 behind thin shims (plugins-dll/third-party/), run through the
// built CLI as a user runs it.
const root = repoRoot();
const CLI = join(root, 'dist', 'cli', 'main.js');
const folder = (name: string) => join('build', 'third-party', name);
const twin = (name: string, toolchain: 'cc' | 'clang-wasm') =>
  relative(root, built(name, toolchain, 'third-party'));

function conformance(args: readonly string[]) {
  const result = spawnSync(process.execPath, [CLI, 'conformance', ...args], {
    cwd: root,
    encoding: 'utf8',
    timeout: 120_000,
  });
  return {
    status: result.status,
    stdout: result.stdout,
    stderr: stderrWithoutProgress(result.stderr),
  };
}

const skip = thirdPartySkip();
const title = (text: string) => (skip === undefined ? text : `${text}: skipped, ${skip}`);
const suite = skip === undefined ? describe : describe.skip;

suite(title('third-party twins through twinplug conformance'), () => {
  it.each([
    ['xxhash', 'exact', 8],
    ['lz4-block', 'decode (lz4-block-decode.wasm)', 8],
    ['lz4-block-decode', 'exact', 7],
  ])(
    '%s: its cases and 2,000 fuzz inputs up to 140 KB agree under %s',
    (name, comparator, cases) => {
      built(name, 'cc', 'third-party');
      built(name, 'clang-wasm', 'third-party');
      const args = [
        '--plugin',
        folder(name),
        '--fuzz',
        '2000',
        '--seed',
        '5',
        '--max-size',
        '140000',
      ];
      const result = conformance(args);
      expect(result.stderr).toBe('');
      expect(result.stdout).toContain(`comparator ${comparator}`);
      expect(result.stdout.trimEnd().split('\n').at(-1)).toBe(
        `PASS: ${cases}/${cases} cases, 2000 fuzz inputs agree, 2 artifact(s) run, 0 skipped`,
      );
      expect(result.status).toBe(0);
    },
  );

  it('lz4-block: the byte-different but equivalent case passes under decode and fails under exact', () => {
    const exact = conformance([
      '--plugin',
      folder('lz4-block'),
      '--fuzz',
      '0',
      '--compare',
      'exact',
    ]);
    expect(exact.status).toBe(1);
    expect(exact.stdout).toContain(
      'FAIL 65,547 bytes of log lines: 32-bit and 64-bit builds encode them differently',
    );
    expect(exact.stdout.match(/^ {2}FAIL /gm)).toHaveLength(1);
    expect(exact.stdout).toContain('judged by exact: the output bytes differ');
    const decode = conformance(['--plugin', folder('lz4-block'), '--fuzz', '0']);
    expect(decode.stdout).toContain(
      'equivalent under decode (lz4-block-decode.wasm) across artifacts: 8/8',
    );
    expect(decode.status).toBe(0);
  });

  it('a divergence on a large input prints under 2 KB and saves the whole case to a file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'twinplug-failures-'));
    const pair = [twin('lz4-block', 'cc'), twin('lz4-block', 'clang-wasm')];
    const fuzz = ['--fuzz', '3000', '--seed', '1', '--max-size', '140000'];
    const result = conformance([...pair, ...fuzz, '--save-failures', dir]);
    expect(result.status).toBe(1);
    expect(Buffer.byteLength(result.stdout)).toBeLessThan(2048);
    expect(result.stdout).toContain('diverges from 65,547 bytes');
    const saved = /saved whole to (\S+)/.exec(result.stdout)![1]!;
    expect(saved.startsWith(dir)).toBe(true);
    const { cases } = parseCaseFile(readFileSync(saved, 'utf8'), dir);
    expect(cases[0]!.input).toHaveLength(65_547);
    // The saved file is a cases file: it fails the pair byte for byte, and passes under decode.
    const again = (extra: string[]) =>
      conformance([...pair, '--cases', saved, '--fuzz', '0', ...extra]);
    expect(again([]).status).toBe(1);
    const decoder = `decode:${twin('lz4-block-decode', 'clang-wasm')}`;
    expect(again(['--compare', decoder]).status).toBe(0);
  });
});

// The same twins through the vitest helper, with the comparator given as on the command line.
if (skip === undefined) {
  describeConformance({
    name: 'lz4-block in describeConformance, under decode',
    cases: join(root, folder('lz4-block'), 'cases.json'),
    artifacts: [
      built('lz4-block', 'cc', 'third-party'),
      built('lz4-block', 'clang-wasm', 'third-party'),
    ],
    compare: `decode:${built('lz4-block-decode', 'clang-wasm', 'third-party')}`,
    fuzz: { runs: 500, seed: 1, maxSize: 140_000 },
  });
}
