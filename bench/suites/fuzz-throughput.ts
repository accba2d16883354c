import { type Grammar, prepareArtifacts, runFuzz, sameOutcome } from '../../conformance/index.js';
import { callOutcome, loadPlugin } from '../../runtime/index.js';
import { findArtifact, readArtifactManifest } from '../../scripts/artifacts.js';
import { compare, formatNs, formatRatio, printTable } from '../harness.js';
import type { BenchSuite } from '../main.js';

const INPUT_BYTES = 64;
const RUNS_PER_ROUND = 20_000;
const TARGET_CASES_PER_SECOND = 20_000;

/** Exactly 64 random bytes per input: the case the target is stated for. */
const bytes64: Grammar = {
  name: 'bytes-64',
  description: '64 random bytes',
  inputs: (fc) => fc.uint8Array({ minLength: INPUT_BYTES, maxLength: INPUT_BYTES }),
};

function pseudoRandomInputs(count: number): Uint8Array[] {
  let state = 1;
  return Array.from({ length: count }, () =>
    Uint8Array.from({ length: INPUT_BYTES }, () => {
      state = (state * 1103515245 + 12345) >>> 0;
      return state >>> 24;
    }),
  );
}

export const suite: BenchSuite = {
  name: `differential fuzz throughput: upper, native (cc) against Wasm (asc), ${INPUT_BYTES} B inputs, in-process`,
  async run() {
    const manifest = readArtifactManifest();
    const native = findArtifact(manifest, 'upper', 'cc');
    const wasm = findArtifact(manifest, 'upper', 'asc');
    if (native === undefined || wasm === undefined) {
      process.stdout.write('skipped: needs upper built by cc and asc (npm run build:plugins)\n');
      return;
    }
    const { runnable } = await prepareArtifacts([{ path: native.path }, { path: wasm.path }]);
    // The floor: the same two calls and the comparison on inputs made in advance, without fast-check.
    const plugins = [await loadPlugin(native.path), await loadPlugin(wasm.path)];
    const inputs = pseudoRandomInputs(RUNS_PER_ROUND);
    let seed = 0;
    const results = await compare(
      {
        fuzz: async () => {
          seed += 1;
          const report = await runFuzz(runnable, {
            runs: RUNS_PER_ROUND,
            seed,
            grammar: bytes64,
            maxSize: INPUT_BYTES,
          });
          if (report.divergence !== undefined)
            throw new Error('upper twins diverged: run twinplug conformance');
        },
        calls: async () => {
          for (const input of inputs) {
            const [a, b] = [
              await callOutcome(plugins[0]!, input),
              await callOutcome(plugins[1]!, input),
            ];
            if (!sameOutcome(a, b)) throw new Error('upper twins diverged');
          }
        },
      },
      { opsPerRound: 1, rounds: 5 },
    );
    await Promise.all(plugins.map((plugin) => plugin.close()));
    const perCase = (label: string) => results[label]!.nsPerOp / RUNS_PER_ROUND;
    const rate = (label: string) => 1e9 / perCase(label);
    printTable(
      ['what', 'per case', 'cases/s', 'vs target 20,000/s', 'vs calls only'],
      [
        [
          'fuzz (fast-check, 2 artifacts)',
          formatNs(perCase('fuzz')),
          Math.round(rate('fuzz')).toLocaleString('en'),
          formatRatio(rate('fuzz') / TARGET_CASES_PER_SECOND, { min: 1 }),
          formatRatio(perCase('fuzz') / perCase('calls')),
        ],
        [
          'calls only (no generation)',
          formatNs(perCase('calls')),
          Math.round(rate('calls')).toLocaleString('en'),
          '',
          '',
        ],
      ],
    );
  },
};
