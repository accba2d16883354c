import { describe, expect, it } from 'vitest';
import { readCaseFile } from '../runtime/index.js';
import { describeStep } from './host-trace.js';
import {
  built,
  capabilitiesOf,
  casesOf,
  hostSampleSkip,
  hostSampleTwins,
} from './test-support/built.js';
import { runTracedCases, sideEffectDivergences, type TracedRun } from './traced-cases.js';

/** Every twin of a sample that was built here, with each case's side effects described. */
async function tracesOf(name: 'visits' | 'stats' | 'tally') {
  const { cases } = await readCaseFile(casesOf(name));
  const runs = [];
  for (const twin of hostSampleTwins(name)) {
    if (typeof twin === 'string' || !('path' in twin)) continue;
    const run = await runTracedCases(twin, cases, { capabilities: capabilitiesOf(name) });
    const byCase = new Map(cases.map((entry) => [entry.name, run.traces.get(entry)!]));
    runs.push({ label: twin.label ?? twin.path, results: run.results, byCase });
  }
  return runs;
}

describe('runTracedCases', () => {
  it('visits: each twin reads, writes and logs exactly what docs/samples.md says', async () => {
    const runs = await tracesOf('visits');
    expect(runs.length).toBeGreaterThanOrEqual(2);
    for (const run of runs) {
      expect(run.byCase.get('first visit')!.map(describeStep)).toEqual([
        'kv_get("visits:alice") = -6',
        'kv_set("visits:alice", "1") = 0',
        'log.info("visit 1 from alice") = 0',
      ]);
      expect(run.byCase.get('second visit')!.map(describeStep)).toEqual([
        'kv_get("visits:alice") = 0 -> "1"',
        'kv_set("visits:alice", "2") = 0',
        'log.info("visit 2 from alice") = 0',
      ]);
      expect(run.byCase.get('forget a stranger')!.map(describeStep)).toEqual([
        'kv_delete("visits:carol") = -6',
      ]);
      expect(run.byCase.get('a space in the name')).toEqual([]);
    }
  });

  it.skipIf(hostSampleSkip('stats') !== undefined)(
    "stats: the Wasm twin's printf and the native twin's tp_log are the same log line",
    async () => {
      const runs = await tracesOf('stats');
      for (const run of runs) {
        expect(run.byCase.get('five numbers')!.map(describeStep)).toEqual([
          'log.info("stats: 5 numbers, median 3") = 0',
        ]);
      }
    },
  );

  it.skipIf(hostSampleSkip('tally') !== undefined)(
    'tally: the running total goes through kv once per call, also when the host retries',
    async () => {
      const runs = await tracesOf('tally');
      for (const run of runs) {
        const retried = run.byCase.get(
          'control bytes escaped: the output outgrows the first buffer',
        )!;
        // The Rust PDK runs tally once: the first call reads, writes and logs, then asks for a
        // larger buffer, and the retry is answered from the output it kept, with no host call.
        expect(retried.map((step) => step.call)).toEqual(['kv_get', 'kv_set', 'log.info']);
        expect(describeStep(retried[1])).toBe('kv_set("total", "28") = 0');
      }
    },
  );

  it('finds where visits-divergent parts from visits: its first kv_get', async () => {
    const { cases } = await readCaseFile(casesOf('visits'));
    const capabilities = capabilitiesOf('visits');
    const twins = [
      { label: 'visits', path: built('visits', 'asc') },
      { label: 'divergent', path: built('visits-divergent', 'cc', 'fixture') },
    ];
    const runs: TracedRun[] = [];
    for (const twin of twins) runs.push(await runTracedCases(twin, cases, { capabilities }));
    expect(runs[1]!.results.map((result) => result.pass)).toEqual(
      runs[0]!.results.map((result) => result.pass),
    );
    const first = cases[0]!;
    const [divergence] = sideEffectDivergences(
      twins.map((twin, index) => ({ label: twin.label, steps: runs[index]!.traces.get(first)! })),
    );
    expect(divergence?.label).toBe('divergent');
    expect(divergence?.difference.index).toBe(0);
    expect(describeStep(divergence?.difference.actual)).toBe('kv_get("visit:alice") = -6');
  });
});
