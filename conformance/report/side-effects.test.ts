import { describe, expect, it } from 'vitest';
import type { ArtifactReport, PluginCase } from '../../runtime/index.js';
import type { CaseReport } from '../case-suite.js';
import { firstDifference, sideEffects } from '../host-trace.js';
import type { ConformanceReport } from '../run-conformance.js';
import { toJsonReport } from './json.js';
import { toJunitXml } from './junit.js';
import { formatText } from './text.js';

const bytes = (text: string) => new TextEncoder().encode(text);
const kvGet = (key: string) => ({ op: 'kv_get', int: 0, args: [bytes(key)], status: -6 });
const log = (line: string) => ({ op: 'log', int: 1, args: [bytes(line)], status: 0 });

const artifactReport = (backend: 'native' | 'wasm'): ArtifactReport => ({
  path: 'x',
  backend,
  format: backend === 'wasm' ? 'wasm' : 'elf',
  arch: undefined,
  abi: 1,
  info: { name: 'visits', version: '1.0.0', abi: 1, description: '' },
  exports: ['ProcessData'],
  sha256: '0'.repeat(64),
  size: 1,
  fileVersion: undefined,
});

const visit: PluginCase = {
  name: 'first visit',
  input: bytes('alice'),
  config: undefined,
  expect: { kind: 'output', output: bytes('alice: visit 1') },
};

/** Both artifacts answer the expected bytes; the second reads and writes another key. */
function divergentReport(): ConformanceReport {
  const reference = sideEffects([kvGet('visits:alice'), log('visit 1 from alice')]);
  const other = sideEffects([kvGet('visit:alice'), log('visit 1 from alice')]);
  const outcome = { ok: true as const, output: bytes('alice: visit 1') };
  const verdict = {
    equal: true,
    comparator: 'exact',
    why: undefined,
    compared: undefined,
  } as const;
  const result = { case: visit, outcome, pass: true, reason: undefined, verdict };
  const entry: CaseReport = {
    case: visit,
    results: [
      { ...result, label: 'visits.wasm' },
      { ...result, label: 'visits-divergent.so' },
    ],
    disagreeing: [],
    comparator: 'exact',
    sideEffects: [{ label: 'visits-divergent.so', difference: firstDifference(reference, other)! }],
    pass: false,
  };
  return {
    artifacts: [
      { label: 'visits.wasm', path: 'visits.wasm', report: artifactReport('wasm') },
      {
        label: 'visits-divergent.so',
        path: 'visits-divergent.so',
        report: artifactReport('native'),
      },
    ],
    skipped: [],
    cases: [entry],
    fuzz: undefined,
    fuzzSkipped: undefined,
    warnings: [],
    pass: false,
  };
}

describe('a side-effect divergence in the reports', () => {
  it('text: the case fails, not identical, with the first differing host call of each side', () => {
    const text = formatText(divergentReport());
    expect(text).toContain(
      'met the expectation: [1] 1/1, [2] 1/1; identical across artifacts: 0/1',
    );
    expect(text).toContain('  FAIL first visit');
    expect(text).toContain('[2] side effects differ from [1] at host call 1 of 2 (2 on [2]):');
    expect(text).toContain('[1] kv_get("visits:alice") = -6');
    expect(text).toContain('[2] kv_get("visit:alice") = -6');
    expect(text).toMatch(/^FAIL: 0\/1 cases/m);
  });

  it('JSON: the case names the artifact and both calls', () => {
    const json = toJsonReport(divergentReport()) as { cases: { sideEffects: unknown[] }[] };
    expect(json.cases[0]!.sideEffects).toEqual([
      {
        artifact: 'visits-divergent.so',
        hostCall: 1,
        expected: 'kv_get("visits:alice") = -6',
        actual: 'kv_get("visit:alice") = -6',
        calls: { reference: 2, artifact: 2 },
      },
    ]);
  });

  it('JUnit: the agreement test fails with the calls in its body; each artifact met its expectation', () => {
    const xml = toJunitXml(divergentReport());
    expect(xml.match(/<failure /g)).toHaveLength(1);
    expect(xml).toContain(
      '<failure message="differs from visits.wasm under exact: visits-divergent.so">',
    );
    expect(xml).toContain('kv_get(&quot;visit:alice&quot;) = -6');
  });
});
