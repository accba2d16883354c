import { isAbsolute, resolve } from 'node:path';

/** How conformance judges two successful outputs equivalent (docs/conformance.md, "Comparators"). */
export const COMPARATOR_KINDS = ['exact', 'json', 'decode', 'custom'] as const;
export type ComparatorKind = (typeof COMPARATOR_KINDS)[number];

/** How the `json` comparator compares numbers: by exact decimal value, or as IEEE doubles. */
export const JSON_NUMBER_MODES = ['decimal', 'float64'] as const;
export type JsonNumberMode = (typeof JSON_NUMBER_MODES)[number];

/** A decoder: a plugin artifact with the same ABI, or a JS module's exported function. */
export type DecoderSpec =
  | { readonly artifact: string }
  | { readonly module: string; readonly export: string };

/**
 * A comparator, checked and with its paths absolute. `decode` and `custom` name code to run:
 * they come only from a command line or a plugin.json / cases.json the user controls.
 */
export type ComparatorSpec =
  | { readonly kind: 'exact' }
  | { readonly kind: 'json'; readonly numbers: JsonNumberMode }
  | { readonly kind: 'decode'; readonly decoder: DecoderSpec }
  | { readonly kind: 'custom'; readonly module: string; readonly export: string };

/** A refused comparator: which field (`compare.numbers`...) and why. */
export interface ComparatorSpecProblem {
  readonly field: string;
  readonly message: string;
}

export const EXACT: ComparatorSpec = { kind: 'exact' };

/** The keys each kind takes besides `kind`; anything else is refused, naming the field. */
const KEYS = {
  exact: [],
  json: ['numbers'],
  decode: ['artifact', 'module', 'export'],
  custom: ['module', 'export'],
} as const satisfies Record<ComparatorKind, readonly string[]>;

class Problem extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function path(raw: Record<string, unknown>, key: string, field: string, baseDir: string): string {
  const value = raw[key];
  if (typeof value !== 'string' || value.length === 0)
    throw new Problem(`${field}.${key}`, `"${key}" must be a non-empty path`);
  return isAbsolute(value) ? value : resolve(baseDir, value);
}

function exportName(raw: Record<string, unknown>, field: string, fallback: string): string {
  const value = raw.export ?? fallback;
  if (typeof value !== 'string' || !/^[A-Za-z_$][\w$]*$/.test(value))
    throw new Problem(`${field}.export`, '"export" must be a JavaScript identifier');
  return value;
}

function decoder(raw: Record<string, unknown>, field: string, baseDir: string): DecoderSpec {
  const has = (key: string) => raw[key] !== undefined;
  if (has('artifact') === has('module'))
    throw new Problem(field, 'a "decode" comparator takes exactly one of "artifact", "module"');
  if (has('artifact')) {
    if (has('export')) throw new Problem(`${field}.export`, '"export" goes with "module" only');
    return { artifact: path(raw, 'artifact', field, baseDir) };
  }
  return { module: path(raw, 'module', field, baseDir), export: exportName(raw, field, 'decode') };
}

function fromObject(raw: Record<string, unknown>, field: string, baseDir: string): ComparatorSpec {
  const kind = raw.kind;
  if (typeof kind !== 'string' || !(COMPARATOR_KINDS as readonly string[]).includes(kind))
    throw new Problem(`${field}.kind`, `"kind" must be one of ${COMPARATOR_KINDS.join(', ')}`);
  const known: readonly string[] = KEYS[kind as ComparatorKind];
  for (const key of Object.keys(raw)) {
    if (key !== 'kind' && !known.includes(key))
      throw new Problem(`${field}.${key}`, `unknown key "${key}" for a "${kind}" comparator`);
  }
  switch (kind as ComparatorKind) {
    case 'exact':
      return EXACT;
    case 'json': {
      const numbers = raw.numbers ?? 'decimal';
      if (!(JSON_NUMBER_MODES as readonly unknown[]).includes(numbers))
        throw new Problem(
          `${field}.numbers`,
          `"numbers" must be ${JSON_NUMBER_MODES.join(' or ')}`,
        );
      return { kind: 'json', numbers: numbers as JsonNumberMode };
    }
    case 'decode':
      return { kind: 'decode', decoder: decoder(raw, field, baseDir) };
    case 'custom':
      return {
        kind: 'custom',
        module: path(raw, 'module', field, baseDir),
        export: exportName(raw, field, 'compare'),
      };
  }
}

/**
 * Checks a comparator as plugin.json and cases.json write it: `"exact"`, `"json"`, or an object
 * `{ "kind": "json", "numbers": "float64" }`, `{ "kind": "decode", "artifact": "dec.wasm" }`,
 * `{ "kind": "decode", "module": "dec.mjs", "export": "decode" }`,
 * `{ "kind": "custom", "module": "compare.mjs" }`. Relative paths are resolved from `baseDir`
 * (the folder of the file that names them). `field` names the value in problems.
 */
export function parseComparatorSpec(
  raw: unknown,
  field: string,
  baseDir: string,
): { ok: true; spec: ComparatorSpec } | ({ ok: false } & ComparatorSpecProblem) {
  try {
    if (raw === 'exact' || raw === 'json')
      return { ok: true, spec: fromObject({ kind: raw }, field, baseDir) };
    if (!isRecord(raw))
      throw new Problem(field, `must be "exact", "json" or an object with a "kind"`);
    return { ok: true, spec: fromObject(raw, field, baseDir) };
  } catch (error) {
    if (!(error instanceof Problem)) throw error;
    return { ok: false, field: error.field, message: `${error.field}: ${error.message}` };
  }
}

const ARTIFACT = /\.(wasm|so|dll|dylib)$/i;

/**
 * The command-line form (`--compare`): `exact`, `json`, `json:float64`, `decode:PATH` (a plugin
 * artifact by its suffix, else a module; `PATH#name` picks a module's export), `custom:PATH`.
 * Turned into the object form and checked by the same rules.
 */
export function parseComparatorFlag(
  text: string,
  baseDir: string,
): ReturnType<typeof parseComparatorSpec> {
  const colon = text.indexOf(':');
  const kind = colon < 0 ? text : text.slice(0, colon);
  const rest = colon < 0 ? undefined : text.slice(colon + 1);
  const raw: Record<string, unknown> = { kind };
  if (kind === 'json' && rest !== undefined) raw.numbers = rest;
  else if ((kind === 'decode' || kind === 'custom') && rest !== undefined) {
    const hash = rest.lastIndexOf('#');
    const file = hash < 0 ? rest : rest.slice(0, hash);
    if (hash >= 0) raw.export = rest.slice(hash + 1);
    raw[kind === 'decode' && ARTIFACT.test(file) ? 'artifact' : 'module'] = file;
  } else if (rest !== undefined) raw.extra = rest;
  return parseComparatorSpec(raw, '--compare', baseDir);
}

/** How reports name a comparator: `exact`, `json (numbers: decimal)`, `decode (lz4-decompress.wasm)`. */
export function describeComparator(spec: ComparatorSpec): string {
  const file = (full: string) => full.split(/[\\/]/).pop() ?? full;
  switch (spec.kind) {
    case 'exact':
      return 'exact';
    case 'json':
      return `json (numbers: ${spec.numbers})`;
    case 'decode':
      return 'artifact' in spec.decoder
        ? `decode (${file(spec.decoder.artifact)})`
        : `decode (${file(spec.decoder.module)}#${spec.decoder.export})`;
    case 'custom':
      return `custom (${file(spec.module)}#${spec.export})`;
  }
}
