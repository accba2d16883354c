import { describe, expect, it } from 'vitest';
import { decimalValue, jsonDifference, parseJsonBytes } from './json-equal.js';

const utf8 = (text: string) => new TextEncoder().encode(text);

function difference(a: string, b: string, mode: 'decimal' | 'float64' = 'decimal') {
  const left = parseJsonBytes(utf8(a));
  const right = parseJsonBytes(utf8(b));
  if ('error' in left || 'error' in right) throw new Error('not JSON');
  return jsonDifference(left.value, right.value, mode);
}

describe('decimalValue', () => {
  it('gives every spelling of a number one form', () => {
    for (const spelling of ['1', '1.0', '1e0', '10e-1', '0.1E1', '1.000'])
      expect(decimalValue(spelling)).toBe('1e0');
    expect(decimalValue('-0')).toBe('0');
    expect(decimalValue('0.000')).toBe('0');
    expect(decimalValue('1200')).toBe('12e2');
    expect(decimalValue('12345678901234567890123')).toBe('12345678901234567890123e0');
    expect(decimalValue('1e999999999999999999')).toBe('1e999999999999999999');
  });
});

describe('jsonDifference', () => {
  it('ignores key order and whitespace, and compares numbers by value', () => {
    expect(difference('{"a":1,"b":[1.50,2]}', '{ "b": [1.5, 2e0], "a": 1.0 }')).toBeUndefined();
  });

  it('tells where values differ', () => {
    expect(difference('{"a":{"b":[1,2]}}', '{"a":{"b":[1,3]}}')).toBe('$["a"]["b"][1]: 2 vs 3');
    expect(difference('{"a":1}', '{"a":1,"b":2}')).toBe('$: key "b" only in the second');
    expect(difference('[1]', '["1"]')).toBe('$[0]: number vs string');
  });

  it('keeps integers past 2^53 apart in decimal mode, and doubles together in float64 mode', () => {
    expect(difference('18446744073709551617', '18446744073709551616')).toBeDefined();
    expect(difference('0.1', '0.10000000000000001')).toBeDefined();
    expect(difference('0.1', '0.10000000000000001', 'float64')).toBeUndefined();
    expect(difference('0.1', '0.1000000000000001', 'float64')).toBeDefined();
  });

  it('is safe with keys such as __proto__', () => {
    expect(difference('{"__proto__":{"x":1}}', '{"__proto__":{"x":2}}')).toBe(
      '$["__proto__"]["x"]: 1 vs 2',
    );
  });
});

describe('parseJsonBytes', () => {
  it('refuses what is not JSON: NaN, conflicting duplicate keys, invalid UTF-8', () => {
    expect(parseJsonBytes(utf8('NaN'))).toHaveProperty('error');
    expect(parseJsonBytes(utf8('{"a":1,"a":2}'))).toHaveProperty('error');
    expect(parseJsonBytes(Uint8Array.of(0x22, 0xff, 0x22))).toEqual({ error: 'not UTF-8' });
  });
});
