import { readFileSync } from 'node:fs';
import { isAbsolute, relative, resolve } from 'node:path';
import { PluginError } from '../errors.js';

/** Largest input or output a `repeat` encoding may describe (64 MiB). */
const MAX_REPEAT_BYTES = 64 * 1024 * 1024;

function invalid(message: string, where: string): PluginError {
  return new PluginError('PLUGIN_CASES_INVALID', `${where}: ${message}`, { details: { where } });
}

function decodeHex(text: string, where: string): Uint8Array {
  const clean = text.replace(/\s+/g, '');
  if (!/^(?:[0-9a-fA-F]{2})*$/.test(clean))
    throw invalid('"hex" must be an even number of hex digits', where);
  return new Uint8Array(Buffer.from(clean, 'hex'));
}

function decodeBase64(text: string, where: string): Uint8Array {
  if (!/^[A-Za-z0-9+/\s]*={0,2}$/.test(text)) throw invalid('"base64" is not base64', where);
  return new Uint8Array(Buffer.from(text, 'base64'));
}

function decodeRepeat(text: unknown, count: unknown, where: string): Uint8Array {
  if (typeof text !== 'string' || !Number.isInteger(count) || (count as number) < 0) {
    throw invalid('"repeat" takes a string and a non-negative integer "count"', where);
  }
  const unit = new TextEncoder().encode(text);
  const total = unit.length * (count as number);
  if (total > MAX_REPEAT_BYTES)
    throw invalid(`"repeat" describes ${total} bytes, more than ${MAX_REPEAT_BYTES}`, where);
  const bytes = new Uint8Array(total);
  if (total === 0) return bytes;
  bytes.set(unit);
  // Doubling copies: log2(count) copies instead of one small set() per repetition, which took
  // ~30 ms for a 1 MiB case, paid by every self-test before a hot swap.
  for (let filled = unit.length; filled < total; filled *= 2) {
    bytes.copyWithin(filled, 0, Math.min(filled, total - filled));
  }
  return bytes;
}

function decodeFile(path: string, baseDir: string, where: string): Uint8Array {
  const full = resolve(baseDir, path);
  const inside = relative(baseDir, full);
  if (isAbsolute(path) || inside.startsWith('..') || isAbsolute(inside)) {
    throw invalid(`"file" must stay inside the cases file's folder, got ${path}`, where);
  }
  try {
    return new Uint8Array(readFileSync(full));
  } catch (error) {
    throw invalid(`cannot read "file" ${path}: ${(error as NodeJS.ErrnoException).code}`, where);
  }
}

/**
 * Decodes the case format's byte encodings: `{ utf8 }`, `{ hex }`, `{ base64 }`,
 * `{ repeat, count }` (UTF-8 text repeated) and `{ file }` (relative to the cases file).
 */
export function decodeBytes(value: unknown, baseDir: string, where: string): Uint8Array {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw invalid('expected one of {utf8}, {hex}, {base64}, {repeat, count}, {file}', where);
  }
  const encoded = value as Record<string, unknown>;
  if (typeof encoded.utf8 === 'string') return new TextEncoder().encode(encoded.utf8);
  if (typeof encoded.hex === 'string') return decodeHex(encoded.hex, where);
  if (typeof encoded.base64 === 'string') return decodeBase64(encoded.base64, where);
  if ('repeat' in encoded) return decodeRepeat(encoded.repeat, encoded.count, where);
  if (typeof encoded.file === 'string') return decodeFile(encoded.file, baseDir, where);
  throw invalid('expected one of {utf8}, {hex}, {base64}, {repeat, count}, {file}', where);
}

/** Config takes the same encodings, plus `{ json }`: a value serialised with JSON.stringify. */
export function decodeConfig(value: unknown, baseDir: string, where: string): Uint8Array {
  if (typeof value === 'object' && value !== null && 'json' in value) {
    return new TextEncoder().encode(JSON.stringify((value as { json: unknown }).json));
  }
  return decodeBytes(value, baseDir, where);
}
