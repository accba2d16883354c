import * as fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { utf8 } from '../../test-support/built.js';
import type { Grammar } from '../grammar.js';
import { GRAMMARS } from './index.js';
import { malformed } from './malformed.js';

function sample(grammar: Grammar, maxSize: number, config?: Uint8Array, numRuns = 2000) {
  return fc.sample(grammar.inputs(fc, { maxSize, config }), { numRuns, seed: 11 });
}

const isJson = (bytes: Uint8Array) => {
  try {
    JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
    return true;
  } catch {
    return false;
  }
};

describe('built-in grammars', () => {
  it.each(Object.keys(GRAMMARS))('%s gives the same bytes for the same seed', (name) => {
    const grammar = GRAMMARS[name]!;
    const config = utf8('{"words":["secret"]}');
    expect(sample(grammar, 4096, config, 50)).toEqual(sample(grammar, 4096, config, 50));
  });

  it('c-text: UTF-8 text with no NUL byte', () => {
    const inputs = sample(GRAMMARS['c-text']!, 4096);
    expect(inputs.some((input) => input.length > 0)).toBe(true);
    for (const input of inputs) {
      expect(input.includes(0)).toBe(false);
      expect(() => new TextDecoder('utf-8', { fatal: true }).decode(input)).not.toThrow();
    }
  });

  it.each(['bytes', 'text', 'c-text', 'redact-text'])(
    '%s never exceeds the size budget',
    (name) => {
      for (const maxSize of [1, 64, 100, 5000]) {
        const lengths = sample(GRAMMARS[name]!, maxSize, utf8('{"words":["secret"]}'), 500).map(
          (b) => b.length,
        );
        expect(Math.max(...lengths)).toBeLessThanOrEqual(maxSize);
      }
    },
  );

  it('bytes: six in ten inputs of at most 64 bytes, some past 1 KiB, empty ones, every byte value', () => {
    const inputs = sample(GRAMMARS.bytes!, 4096);
    const small = inputs.filter((input) => input.length <= 64).length / inputs.length;
    expect(small).toBeGreaterThan(0.5);
    expect(small).toBeLessThan(0.75);
    expect(inputs.some((input) => input.length > 1024)).toBe(true);
    expect(inputs.some((input) => input.length === 0)).toBe(true);
    const seen = new Set(inputs.flatMap((input) => [...input]));
    expect(seen.size).toBe(256);
  });

  it('text: only valid UTF-8, multi-byte characters included', () => {
    const inputs = sample(GRAMMARS.text!, 4096);
    const decoder = new TextDecoder('utf-8', { fatal: true });
    for (const input of inputs) expect(() => decoder.decode(input)).not.toThrow();
    expect(inputs.some((input) => input.some((byte) => byte >= 0xf0))).toBe(true);
  });

  it('pricing-order: mostly orders that parse, a share that does not, ~1000 items only with a 64 KiB budget', () => {
    const inputs = sample(GRAMMARS['pricing-order']!, 64 * 1024);
    const parsed = inputs.filter(isJson).length / inputs.length;
    expect(parsed).toBeGreaterThan(0.6);
    expect(parsed).toBeLessThan(0.9);
    const itemCount = (input: Uint8Array) =>
      new TextDecoder().decode(input).split('"sku"').length - 1;
    expect(inputs.some((input) => itemCount(input) >= 1000)).toBe(true);
    expect(sample(GRAMMARS['pricing-order']!, 4096).every((input) => itemCount(input) < 1000)).toBe(
      true,
    );
  });

  it('redact-text: builds on the config words, in any letter case', () => {
    const inputs = sample(GRAMMARS['redact-text']!, 256, utf8('{"words":["hunter2"],"mask":"#"}'));
    const text = inputs.map((input) => new TextDecoder().decode(input));
    expect(text.filter((t) => t.includes('hunter2')).length / text.length).toBeGreaterThan(0.5);
    expect(text.some((t) => /hunter2/i.test(t) && !t.includes('hunter2'))).toBe(true);
    expect(text.some((t) => t.includes('#'))).toBe(true);
    expect(sample(GRAMMARS['redact-text']!, 256, utf8('not json'), 20)).toHaveLength(20);
  });
});

describe('malformed', () => {
  // The rest are mostly bytes changed inside strings (near-miss keys) and nesting past 64,
  // which JSON.parse accepts and the plugins' parsers must not.
  it('changes nearly every document and breaks most of them', () => {
    const doc = utf8('{"items":[{"sku":"A1","qty":2,"unit_cents":1999}],"coupon":"SAVE10"}');
    const inputs = fc.sample(malformed(fc, fc.constant(doc)), { numRuns: 1000, seed: 5 });
    expect(inputs.filter((input) => !isJson(input)).length).toBeGreaterThan(550);
    expect(inputs.filter((input) => Buffer.compare(input, doc) !== 0).length).toBeGreaterThan(950);
    expect(inputs.some((input) => input.length < doc.length)).toBe(true);
    expect(inputs.some((input) => new TextDecoder().decode(input).startsWith('['.repeat(60)))).toBe(
      true,
    );
  });
});
