import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { bearerSecret, estimateBits, MIN_TOKEN_BITS, tokenProblem } from './token-rule.js';

describe('the token rule', () => {
  it('estimates bits from the character distribution', () => {
    expect(estimateBits('x'.repeat(16))).toBe(0);
    expect(estimateBits('ab'.repeat(8))).toBe(2);
    expect(estimateBits('abcab')).toBeCloseTo(1.52 * 3, 1);
    expect(estimateBits('0123456789abcdef')).toBe(64);
  });

  it('accepts generated tokens and refuses repeats, short and spaced ones', () => {
    for (let index = 0; index < 100; index += 1)
      expect(tokenProblem(randomBytes(16).toString('hex'))).toBeUndefined();
    expect(tokenProblem('x'.repeat(16))).toMatch(/too predictable/);
    expect(tokenProblem('x'.repeat(4096))).toMatch(/too predictable/);
    expect(tokenProblem('0123456789abcde')).toMatch(/at least 16/);
    expect(tokenProblem('0123456789 abcdef')).toMatch(/visible ASCII/);
    expect(tokenProblem('0123456789abcdef\u00e9')).toMatch(/visible ASCII/);
    expect(estimateBits('abcd'.repeat(4))).toBeLessThan(MIN_TOKEN_BITS);
  });

  it('reads a bearer secret with the same syntax rule', () => {
    expect(bearerSecret('Bearer 0123456789abcdef')).toBe('0123456789abcdef');
    expect(bearerSecret('Bearer 0123456789 abcdef')).toBeUndefined();
    expect(bearerSecret('Bearer short')).toBeUndefined();
    expect(bearerSecret('Basic 0123456789abcdef')).toBeUndefined();
    expect(bearerSecret(undefined)).toBeUndefined();
  });
});
