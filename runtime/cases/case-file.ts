import { readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { PLUGIN_ERROR_CODES, PluginError, type PluginErrorCode } from '../errors.js';
import { type ComparatorSpec, parseComparatorSpec } from './comparator-spec.js';
import { decodeBytes, decodeConfig } from './encoded-bytes.js';

/** What a case expects: exact bytes, output equal as JSON, or an error. */
export type CaseExpectation =
  | { readonly kind: 'output'; readonly output: Uint8Array }
  | { readonly kind: 'json'; readonly json: unknown }
  | {
      readonly kind: 'error';
      readonly code: PluginErrorCode;
      readonly pluginCode: number | undefined;
    };

/** One ProcessData case, with its bytes decoded. */
export interface PluginCase {
  readonly name: string;
  readonly input: Uint8Array;
  /** Config bytes for Initialize; undefined means "whatever the plugin is loaded with". */
  readonly config: Uint8Array | undefined;
  readonly expect: CaseExpectation;
}

export interface CaseFile {
  /** The plugin the cases are for, when the file names one. */
  readonly plugin: string | undefined;
  /** How conformance compares the twins' outputs, when the file says (`"compare"`). */
  readonly compare: ComparatorSpec | undefined;
  readonly cases: readonly PluginCase[];
}

function casesInvalid(message: string, where: string): PluginError {
  return new PluginError('PLUGIN_CASES_INVALID', `${where}: ${message}`, { details: { where } });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const KNOWN_CODES: ReadonlySet<string> = new Set(PLUGIN_ERROR_CODES);

function parseExpectation(raw: unknown, baseDir: string, where: string): CaseExpectation {
  if (!isRecord(raw)) throw casesInvalid('"expect" must be an object', where);
  const keys = Object.keys(raw);
  if (keys.length !== 1)
    throw casesInvalid('"expect" takes exactly one of "output", "json", "error"', where);
  if ('output' in raw)
    return { kind: 'output', output: decodeBytes(raw.output, baseDir, `${where}.expect.output`) };
  if ('json' in raw) return { kind: 'json', json: raw.json };
  if ('error' in raw && isRecord(raw.error)) {
    const { code, pluginCode } = raw.error;
    if (typeof code !== 'string' || !KNOWN_CODES.has(code))
      throw casesInvalid(`unknown error code ${JSON.stringify(code)}`, where);
    if (pluginCode !== undefined && !Number.isInteger(pluginCode))
      throw casesInvalid('"pluginCode" must be an integer', where);
    return {
      kind: 'error',
      code: code as PluginErrorCode,
      pluginCode: pluginCode as number | undefined,
    };
  }
  throw casesInvalid('"expect" takes exactly one of "output", "json", "error"', where);
}

function parseCase(raw: unknown, index: number, baseDir: string): PluginCase {
  const where = `cases[${index}]`;
  if (!isRecord(raw)) throw casesInvalid('a case must be an object', where);
  const { name, input, config, expect } = raw;
  if (typeof name !== 'string' || name.length === 0)
    throw casesInvalid('"name" must be a non-empty string', where);
  const named = `${where} "${name}"`;
  return {
    name,
    input: decodeBytes(input, baseDir, `${named}.input`),
    config: config === undefined ? undefined : decodeConfig(config, baseDir, `${named}.config`),
    expect: parseExpectation(expect, baseDir, named),
  };
}

function parseCompare(raw: unknown, baseDir: string): ComparatorSpec | undefined {
  if (raw === undefined) return undefined;
  const parsed = parseComparatorSpec(raw, 'compare', baseDir);
  if (!parsed.ok) throw casesInvalid(parsed.message, 'file');
  return parsed.spec;
}

/**
 * Parses the case format (docs/conformance.md). `baseDir` resolves `{ "file": ... }` inputs.
 * Throws PLUGIN_CASES_INVALID naming the case at fault.
 */
export function parseCaseFile(text: string, baseDir: string): CaseFile {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new PluginError(
      'PLUGIN_CASES_INVALID',
      `cases file is not JSON: ${(error as Error).message}`,
      { cause: error },
    );
  }
  if (!isRecord(raw) || !Array.isArray(raw.cases))
    throw casesInvalid('expected an object with a "cases" array', 'file');
  if (raw.plugin !== undefined && typeof raw.plugin !== 'string')
    throw casesInvalid('"plugin" must be a string', 'file');
  const compare = parseCompare(raw.compare, baseDir);
  const cases = raw.cases.map((entry, index) => parseCase(entry, index, baseDir));
  const names = new Set<string>();
  for (const entry of cases) {
    if (names.has(entry.name)) throw casesInvalid(`two cases are named "${entry.name}"`, 'file');
    names.add(entry.name);
  }
  return { plugin: raw.plugin, compare, cases };
}

/** Reads and parses a cases file; a missing or unreadable file is PLUGIN_CASES_INVALID. */
export async function readCaseFile(path: string): Promise<CaseFile> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new PluginError(
      'PLUGIN_CASES_INVALID',
      `cannot read cases file ${path}: ${(error as NodeJS.ErrnoException).code}`,
      { cause: error },
    );
  }
  return parseCaseFile(text, dirname(path));
}
