import { describe, expect, it } from 'vitest';
import { artifact, utf8 } from '../test-support/artifacts.js';
import type { PluginCase } from './case-file.js';
import { runCases } from './run-cases.js';

const upper = { path: artifact('upper', 'asc') };

function outputCase(input: string, output: string): PluginCase {
  return {
    name: input,
    input: utf8(input),
    config: undefined,
    expect: { kind: 'output', output: utf8(output) },
  };
}

describe('runCases output expectations', () => {
  // upper turns {"a": 1.50} into {"A": 1.50}; the expectation spells the same value otherwise.
  const respelled = outputCase('{"a": 1.50}', '{ "A" : 1.5 }');

  it('judges byte for byte without a comparator', async () => {
    const [result] = await runCases(upper, [respelled]);
    expect(result!.pass).toBe(false);
    expect(result!.reason).toMatch(/^output differs/);
  });

  it('meets an output expectation that a json comparator finds the same value', async () => {
    const compare = { kind: 'json', numbers: 'decimal' } as const;
    const [same, other] = await runCases(upper, [respelled, outputCase('{"a": 2}', '{"A": 3}')], {
      compare,
    });
    expect(same!.pass).toBe(true);
    expect(other!.pass).toBe(false);
  });

  it('never runs a comparator that runs code: a custom one judges byte for byte', async () => {
    const compare = {
      kind: 'custom',
      module: '/nonexistent/compare.mjs',
      export: 'compare',
    } as const;
    const [result] = await runCases(upper, [respelled], { compare });
    expect(result!.pass).toBe(false);
  });
});
