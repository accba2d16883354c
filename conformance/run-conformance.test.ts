import { describe, expect, it } from 'vitest';
import { readCaseFile } from '../runtime/index.js';
import { DEFAULT_GRAMMAR } from './fuzz/grammars/index.js';
import { runConformance } from './run-conformance.js';
import { built, casesOf } from './test-support/built.js';

const fuzz = { runs: 200, seed: 1, grammar: DEFAULT_GRAMMAR, maxSize: 256 };

describe('runConformance', () => {
  it('passes twins that agree on their cases and on fuzzing', async () => {
    const { cases, plugin } = await readCaseFile(casesOf('crc32'));
    const report = await runConformance({
      artifacts: [{ path: built('crc32', 'cc') }, { path: built('crc32', 'asc') }],
      cases,
      casesPlugin: plugin,
      fuzz,
    });
    expect(report).toMatchObject({ pass: true, warnings: [], skipped: [], fuzzSkipped: undefined });
    expect(report.cases).toHaveLength(cases.length);
    expect(report.fuzz?.outcomes).toEqual({ ok: 200 });
  });

  it("warns, without failing, when PluginInfo differs or names another plugin than the cases file's", async () => {
    const { cases } = await readCaseFile(casesOf('upper'));
    const report = await runConformance({
      artifacts: [{ path: built('upper', 'cc') }, { path: built('versioned', 'asc', 'fixture') }],
      cases: cases.slice(0, 1),
      casesPlugin: 'upper',
    });
    expect(report.warnings).toEqual([
      expect.stringMatching(/^PluginInfo differs: .* is upper 1\.0\.0, .* is versioned 1\.0\.0$/),
      expect.stringMatching(/^the cases file is for plugin "upper", .* says it is "versioned"$/),
    ]);
    expect(report.pass).toBe(false); // versioned prefixes its output: the case fails, not the warning
  });

  it('runs the cases on a lone artifact and says why it did not fuzz', async () => {
    const { cases } = await readCaseFile(casesOf('upper'));
    const report = await runConformance({
      artifacts: [{ path: built('upper', 'asc') }],
      cases,
      fuzz,
    });
    expect(report.pass).toBe(true);
    expect(report.fuzz).toBeUndefined();
    expect(report.fuzzSkipped).toMatch(/needs two artifacts/);
  });

  it('refuses a run with nothing to check', async () => {
    await expect(
      runConformance({ artifacts: [{ path: built('upper', 'asc') }] }),
    ).rejects.toMatchObject({
      code: 'CONFORMANCE_NOTHING_TO_RUN',
    });
  });
});
