import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { conformanceCommand } from '../cli/commands/conformance.js';
import { checkOutcome, parseCaseFile, readCaseFile } from '../runtime/index.js';
import { repoRoot } from '../scripts/artifacts.js';
import { prepareArtifacts } from './artifact-set.js';
import { runCaseSuite } from './case-suite.js';
import { DEFAULT_FUZZ_RUNS, DEFAULT_MAX_SIZE } from './defaults.js';
import { DEFAULT_GRAMMAR } from './fuzz/grammars/index.js';
import { runFuzz } from './fuzz/run-fuzz.js';
import { built, casesOf } from './test-support/built.js';
import { stderrWithoutProgress } from './test-support/cli-stderr.js';
import { DEFAULT_VITEST_SEED } from './vitest.js';

// plugins-wasm/fixtures/upper-divergent.ts: upper, except that it also upper-cases 0xE0..0xFE.
const upper = built('upper', 'cc');
const divergent = built('upper-divergent', 'asc', 'fixture');
const CLI = join(repoRoot(), 'dist', 'cli', 'main.js');

async function pair() {
  return (await prepareArtifacts([{ path: upper }, { path: divergent }])).runnable;
}

describe('a deliberately divergent twin (upper-divergent)', () => {
  afterEach(() => vi.restoreAllMocks());

  it("passes upper's cases that hold no byte in 0xE0..0xFE and fails the one that does", async () => {
    const { cases } = await readCaseFile(casesOf('upper'));
    const reports = await runCaseSuite(await pair(), cases);
    const latin1 = (input: Uint8Array) => input.some((byte) => byte >= 0xe0 && byte <= 0xfe);
    const failing = reports.filter((report) => !report.pass).map((report) => report.case.name);
    expect(failing).toEqual(
      cases.filter((entry) => latin1(entry.input)).map((entry) => entry.name),
    );
    expect(failing).toEqual(['every byte value']);
    expect(reports.find((report) => !report.pass)?.disagreeing).toEqual([divergent]);
  });

  it('is caught by the default fuzz budget with the committed seed, shrunk to the byte 0xE0', async () => {
    const report = await runFuzz(await pair(), {
      runs: DEFAULT_FUZZ_RUNS,
      seed: DEFAULT_VITEST_SEED,
      grammar: DEFAULT_GRAMMAR,
      maxSize: DEFAULT_MAX_SIZE,
    });
    const divergence = report.divergence!;
    expect(divergence.input).toEqual(Uint8Array.of(0xe0));
    expect(divergence.results.map((result) => result.outcome)).toEqual([
      { ok: true, output: Uint8Array.of(0xe0) },
      { ok: true, output: Uint8Array.of(0xc0) },
    ]);
    // Pasted into the cases file, the suggested case fails the divergent twin from then on.
    const [pasted] = parseCaseFile(
      JSON.stringify({ cases: [divergence.suggestedCase] }),
      '.',
    ).cases;
    const [result] = await runCaseSuite(await pair(), [pasted!]);
    expect(result!.results.map((entry) => entry.pass)).toEqual([true, false]);
    expect(checkOutcome(divergence.results[0]!.outcome, pasted!.expect).pass).toBe(true);
  });

  it('makes the conformance command return 1, printing the seed, the minimal input and a case', async () => {
    const printed: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      printed.push(String(chunk));
      return true;
    });
    // No cases: fuzzing alone has to find it.
    const code = await conformanceCommand.run(
      [upper, divergent, '--seed', String(DEFAULT_VITEST_SEED)],
      { json: false },
    );
    vi.restoreAllMocks();
    const text = printed.join('');
    expect(code).toBe(1);
    expect(text).toContain(`seed ${DEFAULT_VITEST_SEED}`);
    expect(text).toContain('minimal input (1 byte): {"hex":"e0"}');
    expect(text).toContain('"input":{"hex":"e0"},"expect":{"output":{"hex":"e0"}}');
    expect(text).toMatch(/^FAIL: no cases, fuzz diverged/m);
  });

  it('makes the built CLI exit 1 (end to end, spawned as a user would run it)', () => {
    const result = spawnSync(
      process.execPath,
      [CLI, 'conformance', upper, divergent, '--seed', String(DEFAULT_VITEST_SEED)],
      {
        encoding: 'utf8',
        timeout: 60_000,
      },
    );
    expect(stderrWithoutProgress(result.stderr)).toBe('');
    expect(result.status).toBe(1);
    const caseLine = result.stdout
      .split('\n')
      .find((line) => line.trim().startsWith('{"name":"fuzz seed'));
    expect(JSON.parse(caseLine!)).toMatchObject({
      input: { hex: 'e0' },
      expect: { output: { hex: 'e0' } },
    });
  });
});
