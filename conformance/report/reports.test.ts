import { describe, expect, it } from 'vitest';
import type { ArtifactReport, CallOutcome, PluginCase } from '../../runtime/index.js';
import type { RunnableArtifact } from '../artifact-set.js';
import type { CaseReport } from '../case-suite.js';
import type { FuzzReport } from '../fuzz/run-fuzz.js';
import type { ConformanceReport } from '../run-conformance.js';
import { toJsonReport } from './json.js';
import { toJunitXml } from './junit.js';
import { formatText } from './text.js';

function artifact(label: string, backend: 'native' | 'wasm'): RunnableArtifact {
  const report: ArtifactReport = {
    path: label,
    backend,
    format: backend === 'wasm' ? 'wasm' : 'elf',
    arch: undefined,
    abi: 1,
    info: { name: 'demo', version: '1.0.0', abi: 1, description: '' },
    exports: ['ProcessData'],
    sha256: '0'.repeat(64),
    size: 1,
    fileVersion: undefined,
  };
  return { label, path: label, report };
}

const bytes = (...values: number[]): CallOutcome => ({ ok: true, output: Uint8Array.from(values) });
const pluginCase: PluginCase = {
  name: 'a <tricky> & "quoted" case\u0007',
  input: Uint8Array.of(1),
  config: undefined,
  expect: { kind: 'output', output: Uint8Array.of(0x41) },
};

function caseReport(outcomes: CallOutcome[], labels: string[]): CaseReport {
  const results = outcomes.map((outcome, index) => {
    const pass = outcome.ok && outcome.output[0] === 0x41;
    return {
      case: pluginCase,
      outcome,
      pass,
      reason: pass ? undefined : 'output differs',
      label: labels[index]!,
      verdict: {
        equal: index === 0 || outcomes[index] === outcomes[0],
        comparator: 'exact',
        why: 'the output bytes differ',
        compared: undefined,
      },
    };
  });
  const disagreeing = labels.filter((_, index) => index > 0 && outcomes[index] !== outcomes[0]);
  return {
    case: pluginCase,
    results,
    disagreeing,
    sideEffects: [],
    comparator: 'exact',
    pass: results.every((r) => r.pass) && disagreeing.length === 0,
  };
}

function report(overrides: Partial<ConformanceReport>): ConformanceReport {
  return {
    artifacts: [artifact('a.so', 'native'), artifact('a.wasm', 'wasm')],
    skipped: [
      { label: 'a.dll', path: 'a.dll', reason: 'PE library built for win32, this host is linux' },
    ],
    cases: [],
    fuzz: undefined,
    fuzzSkipped: undefined,
    warnings: [],
    pass: true,
    ...overrides,
  };
}

const fuzz: FuzzReport = {
  grammar: 'bytes',
  seed: 9,
  maxSize: 64,
  requested: 10,
  runs: 10,
  artifacts: ['a.so', 'a.wasm'],
  outcomes: { ok: 7, 'PLUGIN_CALL_FAILED(-2)': 3 },
  divergence: undefined,
  comparator: 'exact',
  initDivergence: undefined,
};

describe('toJunitXml', () => {
  it('escapes names and diff text, and keeps control bytes out of the XML', () => {
    const failing = caseReport([bytes(0x41), bytes(0x01)], ['a.so', 'a.wasm']);
    const xml = toJunitXml(report({ cases: [failing], pass: false }));
    expect(xml).toContain('name="a &lt;tricky&gt; &amp; &quot;quoted&quot; case\ufffd"');
    expect([...xml].some((char) => char.charCodeAt(0) < 0x09)).toBe(false);
    expect(xml.match(/<failure /g)).toHaveLength(2); // a.wasm on its case, and agreement
  });

  it('gives a skipped artifact a suite whose tests are skipped with the reason', () => {
    const xml = toJunitXml(
      report({ cases: [caseReport([bytes(0x41), bytes(0x41)], ['a.so', 'a.wasm'])] }),
    );
    expect(xml).toContain('<testsuite name="a.dll" tests="1" failures="0" errors="0" skipped="1">');
    expect(xml).toContain('<skipped message="PE library built for win32, this host is linux"/>');
  });

  it('has a fuzz suite: a pass, or a skip saying why', () => {
    expect(toJunitXml(report({ fuzz }))).toContain(
      '<testcase classname="fuzz" name="10 inputs, grammar bytes, seed 9"/>',
    );
    expect(toJunitXml(report({ fuzzSkipped: 'needs two artifacts' }))).toContain(
      '<skipped message="needs two artifacts"/>',
    );
  });
});

describe('toJsonReport', () => {
  it('gives outputs as length, sha256 and hex, cut to 1 KiB', () => {
    const big: CallOutcome = { ok: true, output: new Uint8Array(5000).fill(0x41) };
    const json = toJsonReport(report({ cases: [caseReport([big, big], ['a.so', 'a.wasm'])] })) as {
      cases: { results: { outcome: Record<string, unknown> }[] }[];
    };
    const outcome = json.cases[0]!.results[0]!.outcome;
    expect(outcome).toMatchObject({ ok: true, length: 5000, truncated: true });
    expect(outcome.hex).toHaveLength(2048);
    expect(outcome.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('is plain JSON: it survives a round trip', () => {
    const json = toJsonReport(report({ fuzz, warnings: ['w'] }));
    expect(JSON.parse(JSON.stringify(json))).toEqual(json);
    expect(json).toMatchObject({
      pass: true,
      fuzz: { seed: 9, divergence: null },
      warnings: ['w'],
    });
  });
});

describe('formatText', () => {
  it('lists artifacts with the reference, the skipped ones, the fuzz outcome counts and a summary', () => {
    const text = formatText(report({ fuzz }));
    expect(text).toMatch(/\[1\] native {2}a\.so {4}demo 1\.0\.0 {2}\(reference\)/);
    expect(text).toContain('[-] skipped a.dll: PE library built for win32, this host is linux');
    expect(text).toContain('outcomes: ok 7, PLUGIN_CALL_FAILED(-2) 3');
    expect(text.trimEnd().split('\n').at(-1)).toBe(
      'PASS: no cases, 10 fuzz inputs agree, 2 artifact(s) run, 1 skipped',
    );
  });

  it('shows which artifacts accept a config that others refuse', () => {
    const refused: CallOutcome = {
      ok: false,
      code: 'PLUGIN_INIT_FAILED',
      pluginCode: -1,
      message: 'x',
    };
    const initDivergence = [
      { label: 'a.so', outcome: bytes() },
      { label: 'a.wasm', outcome: refused },
    ];
    const text = formatText(report({ fuzz: { ...fuzz, runs: 0, initDivergence }, pass: false }));
    expect(text).toContain('[1] accepted  a.so');
    expect(text).toContain('[2] error PLUGIN_INIT_FAILED (plugin code -1)  a.wasm');
    expect(text).toMatch(/^FAIL: no cases, fuzz diverged/m);
  });
});

describe('a divergence on a large input', () => {
  const input = new Uint8Array(70_000).fill(0x61);
  const outcome = (byte: number): CallOutcome => ({ ok: true, output: Uint8Array.of(byte, 2, 3) });
  const large: FuzzReport = {
    ...fuzz,
    runs: 3,
    divergence: {
      input,
      results: [
        { label: 'a.so', outcome: outcome(1) },
        { label: 'a.wasm', outcome: outcome(9) },
      ],
      verdicts: [
        { equal: true, comparator: 'exact', why: undefined, compared: undefined },
        { equal: false, comparator: 'exact', why: 'the output bytes differ', compared: undefined },
      ],
      sideEffects: [],
      shrunkLength: 90_000,
      content: { minLength: 70_000, distinctBytes: 1, tries: 40 },
      failedRun: 3,
      shrinks: 4,
      path: '3:1',
      suggestedCase: { name: 'fuzz seed 9 abc', input: { utf8: 'a'.repeat(70_000) } },
      savedTo: '/reports/fuzz-seed-9-abc.cases.json',
    },
  };

  it('is previewed in the log, the JUnit file and the JSON report, each with the saved file', () => {
    const text = formatText(report({ fuzz: large, pass: false }));
    expect(Buffer.byteLength(text)).toBeLessThan(2048);
    expect(text).toContain('minimal input (70,000 bytes): (not printed whole');
    expect(text).toContain(
      'diverges from 70,000 bytes: the shortest diverging input found, cut from 90,000 bytes',
    );
    expect(text).toContain('saved whole to /reports/fuzz-seed-9-abc.cases.json');
    const xml = toJunitXml(report({ fuzz: large, pass: false }));
    expect(xml).toContain('saved whole to /reports/fuzz-seed-9-abc.cases.json');
    expect(xml.length).toBeLessThan(4096);
    const json = toJsonReport(report({ fuzz: large, pass: false })) as {
      fuzz: { divergence: Record<string, unknown> & { input: Record<string, unknown> } };
    };
    const { divergence } = json.fuzz;
    expect(divergence.input).toMatchObject({ length: 70_000, truncated: true });
    expect(divergence.input.hex).toHaveLength(128);
    expect(divergence).toMatchObject({
      suggestedCase: null,
      savedTo: '/reports/fuzz-seed-9-abc.cases.json',
    });
    expect(String(divergence.suggestedCasePreview)).toMatch(
      /^\{"name":"fuzz seed 9 abc".*… \(70,\d{3} characters\)$/,
    );
    expect(JSON.stringify(json).length).toBeLessThan(4096);
  });
});

describe('a verdict that compared something else than the raw outputs', () => {
  it('shows who judged, the decoded bytes diff, then the raw outputs diff', () => {
    const entry = caseReport([bytes(0x41, 1), bytes(0x41, 2)], ['a.so', 'a.wasm']);
    const decoded: CaseReport = {
      ...entry,
      comparator: 'decode (dec.wasm)',
      results: [
        entry.results[0]!,
        {
          ...entry.results[1]!,
          verdict: {
            equal: false,
            comparator: 'decode (dec.wasm)',
            why: 'the decoded bytes differ (2 and 2 bytes)',
            compared: { what: 'decoded outputs', a: Uint8Array.of(7, 8), b: Uint8Array.of(7, 9) },
          },
        },
      ],
    };
    const text = formatText(report({ cases: [decoded], pass: false }));
    expect(text).toContain('judged by decode (dec.wasm): the decoded bytes differ (2 and 2 bytes)');
    expect(text).toContain('decoded outputs (2 bytes and 2 bytes):');
    expect(text).toMatch(/\[1\] {2}00000000 {2}07 08 /);
    expect(text).toMatch(/\[2\] {2}00000000 {2}07 09 /);
    expect(text).toContain('raw outputs:');
    expect(text).toContain('equivalent under decode (dec.wasm) across artifacts: 0/1');
    expect(toJunitXml(report({ cases: [decoded], pass: false }))).toContain(
      'message="differs from a.so under decode (dec.wasm): a.wasm"',
    );
  });
});
