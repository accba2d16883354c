import { ByteReader, malformed } from './byte-reader.js';
import { ByteWriter } from './byte-writer.js';
import {
  type ExpressionEdits,
  INSERT_CHARGE,
  INSERT_LOOP_OPEN,
  INSERT_LOOP_TICK,
  INSERT_NO_WAIT,
  INSERT_TICK,
  type LoopWrapping,
} from './edits.js';
import { scanExpression } from './instructions.js';
import { type LoopCode, loopCode, loopOpen, type MeterCode } from './meter-code.js';
import type { FunctionShift } from './module-parts.js';
import { skipValueType } from './value-types.js';

const I32 = 0x7f;

/** V8's limit on a function's locals (parameters included); one under it leaves room for the counter. */
const MAX_LOCALS = 50_000;

/** Counts the declared locals, refusing a total V8 could never compile. */
function countLocals(reader: ByteReader): number {
  let total = 0;
  for (let groups = reader.u32(); groups > 0; groups -= 1) {
    total += reader.u32();
    skipValueType(reader);
    if (total > MAX_LOCALS) throw malformed(`function declares more than ${MAX_LOCALS} locals`);
  }
  return total;
}

/** What metering needs to know of the module's types and functions. */
export interface FunctionTypes {
  /** Parameter count of each type in the type section. */
  readonly typeParams: readonly number[];
  /** Type index of each function the module defines, in code-section order. */
  readonly functionTypes: readonly number[];
}

function paramsOf(types: FunctionTypes, defined: number): number {
  const params = types.typeParams[types.functionTypes[defined] ?? -1];
  if (params === undefined) throw malformed(`function ${defined} has no valid type`);
  return params;
}

/** Copies body[from, to) with function indices shifted and label depths replaced. */
function copyEdited(
  out: ByteWriter,
  body: Uint8Array,
  from: number,
  to: number,
  edits: ExpressionEdits,
  cursor: { functionRef: number; labelRef: number },
  shift: FunctionShift,
): void {
  const { functionRefs, labelRefs } = edits;
  let at = from;
  for (;;) {
    const nextFunction = functionRefs[cursor.functionRef] ?? Number.POSITIVE_INFINITY;
    const nextLabel = labelRefs[cursor.labelRef] ?? Number.POSITIVE_INFINITY;
    const next = Math.min(nextFunction, nextLabel);
    if (next >= to) break;
    out.bytes(body.subarray(at, next));
    if (nextFunction < nextLabel) {
      out.u32(shift(functionRefs[cursor.functionRef + 2]!));
      at = functionRefs[cursor.functionRef + 1]!;
      cursor.functionRef += 3;
    } else {
      out.u32(labelRefs[cursor.labelRef + 2]!);
      at = labelRefs[cursor.labelRef + 1]!;
      cursor.labelRef += 3;
    }
  }
  out.bytes(body.subarray(at, to));
}

interface BodyContext {
  readonly code: MeterCode;
  readonly types: FunctionTypes;
  readonly shift: FunctionShift;
}

function meterBody(body: Uint8Array, defined: number, context: BodyContext, out: ByteWriter): void {
  const reader = new ByteReader(body);
  const groups = reader.u32();
  const groupsStart = reader.offset;
  reader.offset = 0;
  const counter = paramsOf(context.types, defined) + countLocals(reader);
  const localsEnd = reader.offset;
  const loops: LoopWrapping | undefined =
    counter < MAX_LOCALS
      ? { typeParams: context.types.typeParams, wrapped: 0, wrappedUpTo: [0] }
      : undefined;
  const edits: ExpressionEdits = {
    inserts: [localsEnd, INSERT_TICK, 0],
    functionRefs: [],
    labelRefs: [],
    ...(loops === undefined ? {} : { loops }),
  };
  scanExpression(reader, edits);
  if (!reader.done) throw malformed('function body has bytes after its end');
  const wrapped = loops !== undefined && loops.wrapped > 0;
  const local = wrapped ? loopCode(counter, context.code) : undefined;
  if (local === undefined) out.bytes(body.subarray(0, localsEnd));
  else {
    // One more local group: the loops' counter, an i32 after every existing local.
    out.u32(groups + 1);
    out.bytes(body.subarray(groupsStart, localsEnd));
    out.bytes(Uint8Array.of(0x01, I32));
  }
  const cursor = { functionRef: 0, labelRef: 0 };
  let at = localsEnd;
  const { inserts } = edits;
  for (let index = 0; index < inserts.length; index += 3) {
    const offset = inserts[index]!;
    copyEdited(out, body, at, offset, edits, cursor, context.shift);
    at = offset;
    if (index > 0 || local === undefined)
      writeInsert(out, body, inserts[index + 1]!, inserts[index + 2]!, offset, context.code, local);
    else out.bytes(local.entry);
  }
  copyEdited(out, body, at, body.length, edits, cursor, context.shift);
}

function writeInsert(
  out: ByteWriter,
  body: Uint8Array,
  kind: number,
  argument: number,
  offset: number,
  code: MeterCode,
  local: LoopCode | undefined,
): void {
  if (kind === INSERT_TICK) out.bytes(code.tick);
  else if (kind === INSERT_CHARGE) out.bytes(code.charge);
  else if (kind === INSERT_NO_WAIT) out.bytes(code.noWait);
  else if (kind === INSERT_LOOP_OPEN) loopOpen(body, offset + 1, argument, out);
  else if (kind === INSERT_LOOP_TICK) out.bytes(local!.tick);
  else out.bytes(local!.close);
}

/** The code section with every body metered, function indices shifted, and the charge function appended. */
export function meterBodies(
  payload: Uint8Array,
  code: MeterCode,
  types: FunctionTypes,
  shift: FunctionShift,
): Uint8Array {
  const reader = new ByteReader(payload);
  const functions = reader.u32();
  const writer = new ByteWriter(payload.length * 2);
  writer.u32(functions + 1);
  const metered = new ByteWriter();
  for (let index = 0; index < functions; index += 1) {
    const body = reader.vecBytes();
    metered.reset();
    meterBody(body, index, { code, types, shift }, metered);
    writer.vec(metered.finish());
  }
  if (!reader.done) throw malformed('code section has trailing bytes');
  writer.vec(code.chargeBody);
  return writer.finish();
}

/** How many functions the module defines (the code section's count). */
export function countBodies(payload: Uint8Array): number {
  return new ByteReader(payload).u32();
}
