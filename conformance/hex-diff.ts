const ROW = 16;
const WINDOW_ROWS = 2;
const TEXT_CONTEXT = 48;

/** Index of the first byte where a and b differ (the shorter length when one is a prefix), or -1. */
export function firstDifference(a: Uint8Array, b: Uint8Array): number {
  const shorter = Math.min(a.length, b.length);
  for (let index = 0; index < shorter; index += 1) if (a[index] !== b[index]) return index;
  return a.length === b.length ? -1 : shorter;
}

function hexCells(bytes: Uint8Array, start: number): string[] {
  const cells: string[] = [];
  for (let index = start; index < start + ROW; index += 1) {
    const byte = bytes[index];
    cells.push(byte === undefined ? '  ' : byte.toString(16).padStart(2, '0'));
  }
  return cells;
}

function asciiColumn(bytes: Uint8Array, start: number): string {
  let text = '';
  for (const byte of bytes.subarray(start, start + ROW))
    text += byte >= 0x20 && byte < 0x7f ? String.fromCharCode(byte) : '.';
  return `|${text}|`;
}

function caretLine(a: Uint8Array, b: Uint8Array, start: number): string {
  const marks: string[] = [];
  for (let index = start; index < start + ROW; index += 1) {
    const inEither = index < a.length || index < b.length;
    marks.push(inEither && a[index] !== b[index] ? '^^' : '  ');
  }
  return marks.join(' ').trimEnd();
}

/** Decodes bytes as text when they are UTF-8 without control characters (tab, CR, LF allowed). */
export function printableText(bytes: Uint8Array): string | undefined {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return undefined;
  }
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are the point
  return /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(text) ? undefined : text;
}

/** Widens [start, end) so that it does not cut a UTF-8 sequence in half. */
function utf8Slice(bytes: Uint8Array, start: number, end: number): Uint8Array {
  let from = Math.max(0, start);
  let to = Math.min(bytes.length, end);
  while (from > 0 && (bytes[from]! & 0xc0) === 0x80) from -= 1;
  while (to < bytes.length && (bytes[to]! & 0xc0) === 0x80) to += 1;
  return bytes.subarray(from, to);
}

function textLines(
  a: Uint8Array,
  b: Uint8Array,
  first: number,
  labels: [string, string],
): string[] {
  const start = first - TEXT_CONTEXT;
  const end = first + TEXT_CONTEXT;
  const texts = [a, b].map((bytes) => printableText(utf8Slice(bytes, start, end)));
  if (texts[0] === undefined || texts[1] === undefined) return [];
  const width = Math.max(labels[0].length, labels[1].length);
  return texts.map((text, side) => {
    const bytes = side === 0 ? a : b;
    const before = start > 0 ? '…' : '';
    const after = end < bytes.length ? '…' : '';
    return `  ${labels[side]!.padEnd(width)}  text ${before}${JSON.stringify(text)}${after}`;
  });
}

/**
 * Both byte strings as hex rows around their first difference, with carets under the bytes
 * that differ, then as text when both are printable there. Returns [] when they are equal.
 *
 * @example
 * hexDiff(expected, actual, ['expected', 'upper.wasm']).join('\n')
 */
export function hexDiff(a: Uint8Array, b: Uint8Array, labels: [string, string]): string[] {
  const first = firstDifference(a, b);
  if (first < 0) return [];
  const width = Math.max(labels[0].length, labels[1].length);
  const lines = [
    `  first difference at byte ${first} (${labels[0]}: ${a.length} bytes, ${labels[1]}: ${b.length} bytes)`,
  ];
  const windowStart = Math.floor(Math.max(0, first - 8) / ROW) * ROW;
  const longest = Math.max(a.length, b.length);
  for (let row = windowStart; row < windowStart + WINDOW_ROWS * ROW && row < longest; row += ROW) {
    const offset = row.toString(16).padStart(8, '0');
    for (const [side, bytes] of [a, b].entries()) {
      const cells = hexCells(bytes, row).join(' ');
      lines.push(
        `  ${labels[side]!.padEnd(width)}  ${offset}  ${cells}  ${asciiColumn(bytes, row)}`,
      );
    }
    const carets = caretLine(a, b, row);
    if (carets.length > 0) lines.push(`  ${' '.repeat(width)}  ${' '.repeat(8)}  ${carets}`);
  }
  return [...lines, ...textLines(a, b, first, labels)];
}
