// The sections metering reads or changes besides the code: each function here either counts
// what the rewrite needs to know or copies a section with every function index shifted.
import { ByteReader, malformed } from './byte-reader.js';
import { ByteWriter } from './byte-writer.js';
import type { ExpressionEdits } from './edits.js';
import { scanExpression } from './instructions.js';
import { skipLimits, skipValueType } from './value-types.js';

const FUNC_TYPE = 0x60;
const KIND_FUNCTION = 0;
const KIND_TABLE = 1;
const KIND_MEMORY = 2;
const KIND_GLOBAL = 3;
const KIND_TAG = 4;

/** Maps an old function index to its index once one import is added after the existing ones. */
export type FunctionShift = (index: number) => number;

/**
 * Copies source[from, to) with its function-index immediates replaced: the triples of
 * `functionRefs` from index `first` up to `last` (by default all of them).
 */
export function copyShifted(
  writer: ByteWriter,
  source: Uint8Array,
  from: number,
  to: number,
  functionRefs: readonly number[],
  shift: FunctionShift,
  first = 0,
  last = functionRefs.length,
): void {
  let at = from;
  for (let index = first; index < last; index += 3) {
    writer.bytes(source.subarray(at, functionRefs[index]!));
    writer.u32(shift(functionRefs[index + 2]!));
    at = functionRefs[index + 1]!;
  }
  writer.bytes(source.subarray(at, to));
}

function newEdits(): ExpressionEdits {
  return { inserts: [], functionRefs: [], labelRefs: [] };
}

/**
 * The parameter count of each type in the type section; only function types are accepted (GC
 * types are refused).
 */
export function readTypeParams(payload: Uint8Array | undefined): number[] {
  if (payload === undefined) return [];
  const reader = new ByteReader(payload);
  const params: number[] = [];
  for (let count = reader.u32(), index = 0; index < count; index += 1) {
    const form = reader.byte();
    if (form !== FUNC_TYPE)
      throw malformed(
        `type ${index} is not a function type (0x${form.toString(16)}): metering supports function types only`,
      );
    params.push(reader.u32());
    for (let value = params[index]!; value > 0; value -= 1) skipValueType(reader);
    for (let value = reader.u32(); value > 0; value -= 1) skipValueType(reader);
  }
  if (!reader.done) throw malformed('type section has trailing bytes');
  return params;
}

/** The type index of each function the module defines (the function section). */
export function readFunctionTypes(payload: Uint8Array | undefined): number[] {
  if (payload === undefined) return [];
  const reader = new ByteReader(payload);
  const types: number[] = [];
  for (let count = reader.u32(); count > 0; count -= 1) types.push(reader.u32());
  if (!reader.done) throw malformed('function section has trailing bytes');
  return types;
}

/** The type section with one more function type appended. */
export function appendFunctionType(
  payload: Uint8Array | undefined,
  params: readonly number[],
  results: readonly number[],
): Uint8Array {
  const writer = new ByteWriter();
  const reader = new ByteReader(payload ?? Uint8Array.of(0));
  writer.u32(reader.u32() + 1);
  writer.bytes(reader.bytes.subarray(reader.offset));
  writer.byte(FUNC_TYPE);
  writer.u32(params.length);
  for (const type of params) writer.byte(type);
  writer.u32(results.length);
  for (const type of results) writer.byte(type);
  return writer.finish();
}

/** The function section with one more function of type `typeIndex` declared at its end. */
export function appendFunctionDeclaration(
  payload: Uint8Array | undefined,
  typeIndex: number,
): Uint8Array {
  const writer = new ByteWriter();
  const reader = new ByteReader(payload ?? Uint8Array.of(0));
  writer.u32(reader.u32() + 1);
  writer.bytes(reader.bytes.subarray(reader.offset));
  writer.u32(typeIndex);
  return writer.finish();
}

export interface ImportCounts {
  readonly functions: number;
  readonly globals: number;
  /** The import modules, to refuse one that claims the runtime's own import module. */
  readonly modules: ReadonlySet<string>;
}

export function countImports(payload: Uint8Array | undefined): ImportCounts {
  const modules = new Set<string>();
  let functions = 0;
  let globals = 0;
  if (payload === undefined) return { functions, globals, modules };
  const reader = new ByteReader(payload);
  const decoder = new TextDecoder();
  for (let count = reader.u32(); count > 0; count -= 1) {
    modules.add(decoder.decode(reader.vecBytes()));
    reader.vecBytes();
    const kind = reader.byte();
    if (kind === KIND_FUNCTION) {
      reader.u32();
      functions += 1;
    } else if (kind === KIND_TABLE) {
      skipValueType(reader);
      skipLimits(reader);
    } else if (kind === KIND_MEMORY) skipLimits(reader);
    else if (kind === KIND_GLOBAL) {
      skipValueType(reader);
      reader.byte();
      globals += 1;
    } else if (kind === KIND_TAG) {
      reader.byte();
      reader.u32();
    } else throw malformed(`unknown import kind ${kind}`);
  }
  if (!reader.done) throw malformed('import section has trailing bytes');
  return { functions, globals, modules };
}

/** The import section with one function import appended (so it takes the next function index). */
export function appendFunctionImport(
  payload: Uint8Array | undefined,
  module: string,
  name: string,
  typeIndex: number,
): Uint8Array {
  const encoder = new TextEncoder();
  const writer = new ByteWriter();
  const reader = new ByteReader(payload ?? Uint8Array.of(0));
  writer.u32(reader.u32() + 1);
  writer.bytes(reader.bytes.subarray(reader.offset));
  writer.vec(encoder.encode(module));
  writer.vec(encoder.encode(name));
  writer.byte(KIND_FUNCTION);
  writer.u32(typeIndex);
  return writer.finish();
}

/**
 * The global section with each initialiser's `ref.func` shifted and one mutable i32 global
 * (initialised to 0) appended; returns the section and how many globals it defined before.
 */
export function appendCounterGlobal(
  payload: Uint8Array | undefined,
  shift: FunctionShift,
): { payload: Uint8Array; defined: number } {
  const reader = new ByteReader(payload ?? Uint8Array.of(0));
  const defined = reader.u32();
  const writer = new ByteWriter();
  writer.u32(defined + 1);
  const start = reader.offset;
  const edits = newEdits();
  for (let index = 0; index < defined; index += 1) {
    skipValueType(reader);
    reader.byte();
    scanExpression(reader, edits);
  }
  if (!reader.done) throw malformed('global section has trailing bytes');
  copyShifted(writer, reader.bytes, start, reader.offset, edits.functionRefs, shift);
  writer.bytes(Uint8Array.of(0x7f, 0x01, 0x41, 0x00, 0x0b)); // (mut i32) (i32.const 0)
  return { payload: writer.finish(), defined };
}

export function shiftExports(payload: Uint8Array, shift: FunctionShift): Uint8Array {
  const reader = new ByteReader(payload);
  const refs: number[] = [];
  for (let count = reader.u32(); count > 0; count -= 1) {
    reader.vecBytes();
    const kind = reader.byte();
    const start = reader.offset;
    const index = reader.u32();
    if (kind === KIND_FUNCTION) refs.push(start, reader.offset, index);
  }
  if (!reader.done) throw malformed('export section has trailing bytes');
  const writer = new ByteWriter();
  copyShifted(writer, payload, 0, payload.length, refs, shift);
  return writer.finish();
}

export function shiftStart(payload: Uint8Array, shift: FunctionShift): Uint8Array {
  const reader = new ByteReader(payload);
  const index = reader.u32();
  if (!reader.done) throw malformed('start section has trailing bytes');
  const writer = new ByteWriter();
  writer.u32(shift(index));
  return writer.finish();
}

/** Element segments: flags 0-7 combine passive/declarative, a table index, and indices or expressions. */
export function shiftElements(payload: Uint8Array, shift: FunctionShift): Uint8Array {
  const reader = new ByteReader(payload);
  const edits = newEdits();
  for (let count = reader.u32(); count > 0; count -= 1) {
    const flags = reader.u32();
    if (flags > 7) throw malformed(`unknown element segment flags ${flags}`);
    if ((flags & 0x02) !== 0 && (flags & 0x01) === 0) reader.u32(); // explicit table index
    if ((flags & 0x01) === 0) scanExpression(reader, edits); // active: the offset
    if ((flags & 0x03) !== 0) {
      if ((flags & 0x04) !== 0) skipValueType(reader);
      else if (reader.byte() !== 0) throw malformed('unknown element kind');
    }
    for (let items = reader.u32(); items > 0; items -= 1) {
      if ((flags & 0x04) !== 0) scanExpression(reader, edits);
      else {
        const start = reader.offset;
        const index = reader.u32();
        edits.functionRefs.push(start, reader.offset, index);
      }
    }
  }
  if (!reader.done) throw malformed('element section has trailing bytes');
  const writer = new ByteWriter();
  copyShifted(writer, payload, 0, payload.length, edits.functionRefs, shift);
  return writer.finish();
}
