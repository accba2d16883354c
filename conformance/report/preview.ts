import { createHash } from 'node:crypto';
import { printableText } from '../hex-diff.js';
import { encodeBytes } from '../suggest-case.js';

/** Inputs, outputs and suggested cases larger than this are never printed whole (4 KiB). */
export const PRINT_LIMIT = 4096;
/** How much of a large value a report shows. */
const PREVIEW_BYTES = 32;
const PREVIEW_CHARS = 120;

const grouped = (count: number) => count.toLocaleString('en-US');

/** `1,234 bytes` */
export function byteCount(count: number): string {
  return `${grouped(count)} byte${count === 1 ? '' : 's'}`;
}

/** Bytes in the case format when small; else length, sha256 prefix and the first bytes. */
export function bytesPreview(bytes: Uint8Array): string {
  if (bytes.length <= PRINT_LIMIT) return JSON.stringify(encodeBytes(bytes));
  const head = bytes.subarray(0, PREVIEW_BYTES);
  const text = printableText(head);
  const shown =
    text === undefined
      ? `hex ${Buffer.from(head).toString('hex')}`
      : `text ${JSON.stringify(text)}`;
  const sha = createHash('sha256').update(bytes).digest('hex').slice(0, 16);
  return `(not printed whole: over ${byteCount(PRINT_LIMIT)}) sha256 ${sha}…, starts ${shown}…`;
}

/** A suggested case as one line of JSON when it is short; else its first characters. */
export function casePreview(entry: unknown): { text: string; whole: boolean } {
  const text = JSON.stringify(entry);
  if (text.length <= PRINT_LIMIT) return { text, whole: true };
  return {
    text: `${text.slice(0, PREVIEW_CHARS)}… (${grouped(text.length)} characters)`,
    whole: false,
  };
}
