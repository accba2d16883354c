import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_FUZZ_RUNS, DEFAULT_MAX_SIZE, GRAMMARS } from '../conformance/index.js';
import { UsageError } from './command.js';
import { parseReports, planConformance } from './conformance-options.js';

const dir = mkdtempSync(join(tmpdir(), 'twinplug-options-'));
const cases = join(dir, 'cases.json');
writeFileSync(
  cases,
  JSON.stringify({
    plugin: 'upper',
    cases: [{ name: 'a', input: { utf8: 'a' }, expect: { output: { utf8: 'A' } } }],
  }),
);

describe('planConformance', () => {
  it('fills the defaults: 1000 fuzz inputs, bytes, 4096 bytes, a random seed', async () => {
    const plan = await planConformance({}, ['a.so', 'a.wasm']);
    expect(plan.artifacts).toEqual([{ path: 'a.so' }, { path: 'a.wasm' }]);
    expect(plan.fuzz).toMatchObject({
      runs: DEFAULT_FUZZ_RUNS,
      maxSize: DEFAULT_MAX_SIZE,
      grammar: GRAMMARS.bytes,
    });
    expect(Number.isInteger(plan.fuzz?.seed)).toBe(true);
    expect(plan).toMatchObject({ cases: [], config: undefined, reports: [], requireAll: false });
  });

  it('takes every flag', async () => {
    const plan = await planConformance(
      {
        cases,
        fuzz: '50',
        seed: '-7',
        'max-size': '100',
        grammar: 'json',
        config: '{ "words": [] }',
        report: ['junit:out/r.xml', 'json:r.json'],
        'require-all': true,
      },
      ['a.wasm'],
    );
    expect(plan.fuzz).toEqual({ runs: 50, seed: -7, maxSize: 100, grammar: GRAMMARS.json });
    expect(plan.cases.map((entry) => entry.name)).toEqual(['a']);
    expect(plan.casesPlugin).toBe('upper');
    expect(plan.config).toBe('{ "words": [] }');
    expect(plan.reports).toEqual([
      { format: 'junit', file: 'out/r.xml' },
      { format: 'json', file: 'r.json' },
    ]);
    expect(plan.requireAll).toBe(true);
  });

  it('turns fuzzing off with --fuzz 0', async () => {
    expect((await planConformance({ fuzz: '0', cases }, ['a.wasm'])).fuzz).toBeUndefined();
  });

  it.each([
    [{}, [], 'give at least one artifact'],
    [{ fuzz: '-1' }, ['a.so'], '--fuzz takes an integer'],
    [{ fuzz: '1e3' }, ['a.so'], '--fuzz takes an integer'],
    [{ seed: '2147483648' }, ['a.so'], '--seed takes an integer'],
    [{ 'max-size': '0' }, ['a.so'], '--max-size takes an integer'],
    [{ config: '{words' }, ['a.so'], '--config takes JSON'],
  ])('refuses %j %j as a usage error', async (args, positionals, message) => {
    await expect(planConformance(args, positionals)).rejects.toThrow(UsageError);
    await expect(planConformance(args, positionals)).rejects.toThrow(message);
  });

  it('refuses an unknown grammar and an unreadable cases file with their codes', async () => {
    await expect(planConformance({ grammar: 'nope' }, ['a.so'])).rejects.toMatchObject({
      code: 'CONFORMANCE_GRAMMAR_UNKNOWN',
    });
    await expect(
      planConformance({ cases: join(dir, 'missing.json') }, ['a.so']),
    ).rejects.toMatchObject({
      code: 'PLUGIN_CASES_INVALID',
    });
  });
});

describe('parseReports', () => {
  it('refuses a format other than junit and json, and a missing file name', () => {
    expect(() => parseReports(['xml:r.xml'])).toThrow(UsageError);
    expect(() => parseReports(['junit:'])).toThrow(UsageError);
  });
});

describe('planConformance: the comparator and the failures folder', () => {
  const folder = join(dir, 'lz4');
  const folderCases = join(folder, 'cases.json');

  it('takes --compare first, then the cases file, then plugin.json, else exact', async () => {
    const { mkdirSync } = await import('node:fs');
    mkdirSync(folder, { recursive: true });
    writeFileSync(join(folder, 'lz4.wasm'), '');
    writeFileSync(
      join(folder, 'plugin.json'),
      '{"compare":{"kind":"decode","artifact":"dec.wasm"}}',
    );
    const fromFolder = await planConformance({ plugin: folder }, []);
    expect(fromFolder.compare).toEqual({
      kind: 'decode',
      decoder: { artifact: join(folder, 'dec.wasm') },
    });
    writeFileSync(folderCases, '{"compare":"json","cases":[]}');
    expect((await planConformance({ plugin: folder }, [])).compare).toEqual({
      kind: 'json',
      numbers: 'decimal',
    });
    const flag = await planConformance({ plugin: folder, compare: 'exact' }, []);
    expect(flag.compare).toEqual({ kind: 'exact' });
    expect((await planConformance({}, ['a.so'])).compare).toEqual({ kind: 'exact' });
  });

  it('refuses a bad --compare as a usage error naming the field', async () => {
    await expect(planConformance({ compare: 'json:approx' }, ['a.so'])).rejects.toThrow(
      /--compare\.numbers/,
    );
    await expect(planConformance({ compare: 'decode' }, ['a.so'])).rejects.toBeInstanceOf(
      UsageError,
    );
  });

  it('saves failures to --save-failures, by default to reports/conformance-failures', async () => {
    expect((await planConformance({}, ['a.so'])).saveFailuresDir).toBe(
      'reports/conformance-failures',
    );
    expect((await planConformance({ 'save-failures': 'out' }, ['a.so'])).saveFailuresDir).toBe(
      'out',
    );
  });
});
