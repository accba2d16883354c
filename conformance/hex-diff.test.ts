import { describe, expect, it } from 'vitest';
import { firstDifference, hexDiff, printableText } from './hex-diff.js';

const bytes = (text: string) => new TextEncoder().encode(text);

describe('firstDifference', () => {
  it('finds the first differing byte, the shorter length for a prefix, -1 for equal bytes', () => {
    expect(firstDifference(bytes('abcd'), bytes('abXd'))).toBe(2);
    expect(firstDifference(bytes('abc'), bytes('abcde'))).toBe(3);
    expect(firstDifference(bytes('abc'), bytes('abc'))).toBe(-1);
    expect(firstDifference(new Uint8Array(0), new Uint8Array(0))).toBe(-1);
  });
});

describe('printableText', () => {
  it('accepts UTF-8 text with tabs and newlines and rejects control bytes and invalid UTF-8', () => {
    expect(printableText(bytes('héllo\tworld\n'))).toBe('héllo\tworld\n');
    expect(printableText(Uint8Array.of(0x41, 0x00))).toBeUndefined();
    expect(printableText(Uint8Array.of(0xe0))).toBeUndefined();
  });
});

describe('hexDiff', () => {
  it('is empty for equal bytes', () => {
    expect(hexDiff(bytes('same'), bytes('same'), ['a', 'b'])).toEqual([]);
  });

  it('shows the row holding the first difference with a caret under it, and the text', () => {
    const lines = hexDiff(bytes('HELLO world'), bytes('HELLO World'), ['expected', 'actual']);
    expect(lines).toEqual([
      '  first difference at byte 6 (expected: 11 bytes, actual: 11 bytes)',
      '  expected  00000000  48 45 4c 4c 4f 20 77 6f 72 6c 64                 |HELLO world|',
      '  actual    00000000  48 45 4c 4c 4f 20 57 6f 72 6c 64                 |HELLO World|',
      '                                        ^^',
      '  expected  text "HELLO world"',
      '  actual    text "HELLO World"',
    ]);
  });

  it('starts the window near a late difference and marks bytes missing from the shorter side', () => {
    const long = new Uint8Array(100).fill(0x61);
    const short = long.slice(0, 60);
    const lines = hexDiff(long, short, ['a', 'b']);
    expect(lines[0]).toBe('  first difference at byte 60 (a: 100 bytes, b: 60 bytes)');
    expect(lines[1]).toMatch(/^ {2}a {2}00000030 {2}61/);
    expect(lines[2]).toBe(`  b  00000030  ${'61 '.repeat(12)}${'   '.repeat(3)}    |aaaaaaaaaaaa|`);
    expect(lines[3]).toBe(`     ${' '.repeat(8)}  ${'   '.repeat(12)}^^ ^^ ^^ ^^`);
    expect(lines.find((line) => line.includes('text'))).toContain('…"aaaa');
  });

  it('leaves out the text lines when either side is binary', () => {
    const lines = hexDiff(Uint8Array.of(0x61, 0xe0), Uint8Array.of(0x61, 0xc0), ['a', 'b']);
    expect(lines.some((line) => line.includes('text'))).toBe(false);
    expect(lines[1]).toContain('61 e0');
    expect(lines[2]).toContain('61 c0');
  });
});
