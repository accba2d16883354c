import { describe, expect, it } from 'vitest';
import { prepareArtifacts } from '../artifact-set.js';
import { built, utf8 } from '../test-support/built.js';
import { GRAMMARS } from './grammars/index.js';
import { runFuzz } from './run-fuzz.js';

const bytes = GRAMMARS.bytes!;

async function artifacts(...paths: string[]) {
  return (await prepareArtifacts(paths.map((path) => ({ path })))).runnable;
}

describe('runFuzz', () => {
  it('compares every input on every artifact and counts the outcomes they agree on', async () => {
    const twins = await artifacts(built('upper', 'cc'), built('upper', 'asc'));
    const report = await runFuzz(twins, { runs: 500, seed: 3, grammar: bytes, maxSize: 2048 });
    expect(report).toMatchObject({
      runs: 500,
      requested: 500,
      divergence: undefined,
      initDivergence: undefined,
    });
    expect(report.outcomes).toEqual({ ok: 500 });
  });

  it('compares error paths too: pricing orders reach every plugin error code on both twins', async () => {
    const twins = await artifacts(built('pricing', 'cc'), built('pricing', 'asc'));
    const grammar = GRAMMARS['pricing-order']!;
    const report = await runFuzz(twins, { runs: 3000, seed: 8, grammar, maxSize: 64 * 1024 });
    expect(report.divergence).toBeUndefined();
    expect(Object.keys(report.outcomes).sort()).toEqual(
      ['ok', ...[-2, -3, -4, -5].map((code) => `PLUGIN_CALL_FAILED(${code})`)].sort(),
    );
  });

  it('treats an error on one side and output on the other as a divergence, shrunk to the empty input', async () => {
    const pair = await artifacts(built('upper', 'asc'), built('abort', 'asc', 'fixture'));
    const report = await runFuzz(pair, { runs: 100, seed: 1, grammar: bytes, maxSize: 64 });
    expect(report.divergence?.input).toEqual(new Uint8Array(0));
    expect(report.divergence?.results.map((result) => result.outcome)).toEqual([
      { ok: true, output: new Uint8Array(0) },
      expect.objectContaining({ ok: false, code: 'PLUGIN_TRAPPED' }),
    ]);
    expect(report.divergence?.suggestedCase).toEqual({
      name: expect.stringMatching(/^fuzz seed 1 /),
      input: { utf8: '' },
      expect: { output: { utf8: '' } },
    });
  });

  it('reports Initialize accepting the config on one artifact and refusing it on another', async () => {
    const pair = await artifacts(built('upper', 'asc'), built('init-fails', 'asc', 'fixture'));
    const report = await runFuzz(pair, {
      runs: 10,
      seed: 1,
      grammar: bytes,
      maxSize: 64,
      config: 'x',
    });
    expect(report.runs).toBe(0);
    expect(report.initDivergence?.map((entry) => entry.outcome)).toEqual([
      { ok: true, output: new Uint8Array(0) },
      expect.objectContaining({ ok: false, code: 'PLUGIN_INIT_FAILED', pluginCode: 7 }),
    ]);
  });

  it('refuses to fuzz when every artifact refuses the config', async () => {
    const pair = await artifacts(
      built('init-fails', 'cc', 'fixture'),
      built('init-fails', 'asc', 'fixture'),
    );
    await expect(
      runFuzz(pair, { runs: 10, seed: 1, grammar: bytes, maxSize: 64, config: utf8('x') }),
    ).rejects.toMatchObject({ code: 'CONFORMANCE_FUZZ_CONFIG_REFUSED' });
  });
});
