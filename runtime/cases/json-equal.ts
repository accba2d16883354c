import { isLosslessNumber, parse } from 'lossless-json';
import type { JsonNumberMode } from './comparator-spec.js';

/** A number as it was written: compared by value, never by spelling. */
interface NumberLiteral {
  readonly literal: string;
}

const NUMBER = /^(-?)(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/;

/** The exact decimal value of a JSON number: `0` or `[-]digits×10^exponent` without trailing zeros. */
export function decimalValue(literal: string): string {
  const match = NUMBER.exec(literal);
  if (match === null) return literal;
  const [, sign, whole, fraction = '', exponent = '0'] = match;
  let digits = `${whole}${fraction}`.replace(/^0+/, '');
  let power = BigInt(exponent) - BigInt(fraction.length);
  if (digits.length === 0) return '0';
  const trailing = digits.length - digits.replace(/0+$/, '').length;
  digits = digits.slice(0, digits.length - trailing);
  power += BigInt(trailing);
  return `${sign}${digits}e${power}`;
}

function numbersEqual(a: string, b: string, mode: JsonNumberMode): boolean {
  return mode === 'float64' ? Number(a) === Number(b) : decimalValue(a) === decimalValue(b);
}

/** Parses UTF-8 JSON keeping numbers as written; undefined and why when it is not JSON. */
export function parseJsonBytes(bytes: Uint8Array): { value: unknown } | { error: string } {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return { error: 'not UTF-8' };
  }
  try {
    return { value: parse(text, null, (literal): NumberLiteral => ({ literal })) };
  } catch (error) {
    return { error: `not JSON: ${(error as Error).message}` };
  }
}

function isLiteral(value: unknown): value is NumberLiteral {
  return (
    typeof value === 'object' && value !== null && 'literal' in value && !isLosslessNumber(value)
  );
}

const kindOf = (value: unknown): string =>
  value === null
    ? 'null'
    : Array.isArray(value)
      ? 'array'
      : isLiteral(value)
        ? 'number'
        : typeof value;

/** Where two parsed JSON values first differ (`$.lines[2].qty: 3 vs 3.5`), or undefined. */
export function jsonDifference(
  a: unknown,
  b: unknown,
  mode: JsonNumberMode,
  at = '$',
): string | undefined {
  const kind = kindOf(a);
  if (kind !== kindOf(b)) return `${at}: ${kind} vs ${kindOf(b)}`;
  if (isLiteral(a) && isLiteral(b))
    return numbersEqual(a.literal, b.literal, mode)
      ? undefined
      : `${at}: ${a.literal} vs ${b.literal}`;
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) return `${at}: ${a.length} items vs ${b.length}`;
    for (const [index, item] of a.entries()) {
      const found = jsonDifference(item, b[index], mode, `${at}[${index}]`);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  if (kind === 'object') {
    const left = a as Record<string, unknown>;
    const right = b as Record<string, unknown>;
    const keys = Object.keys(left);
    const missing = Object.keys(right).find((key) => !Object.hasOwn(left, key));
    if (missing !== undefined) return `${at}: key ${JSON.stringify(missing)} only in the second`;
    for (const key of keys) {
      if (!Object.hasOwn(right, key)) return `${at}: key ${JSON.stringify(key)} only in the first`;
      const found = jsonDifference(left[key], right[key], mode, `${at}[${JSON.stringify(key)}]`);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  return a === b ? undefined : `${at}: ${JSON.stringify(a)} vs ${JSON.stringify(b)}`;
}
