import { ByteReader, malformed } from './byte-reader.js';
import { ByteWriter } from './byte-writer.js';
import { INSERT_CHARGE, INSERT_TICK, scanExpression } from './instructions.js';
import { copyShifted, type FunctionShift } from './module-parts.js';
import { skipValueType } from './value-types.js';

/** Bytes charged as one tick by a bulk operation (2^6 = 64). */
const BULK_BYTES_PER_TICK_LOG2 = 6;

/** The code a rewrite inserts, built once per module (the indices differ between modules). */
export interface MeterCode {
  /** At each function entry and loop header. */
  readonly tick: Uint8Array;
  /** Before a bulk operation, whose length is on top of the stack. */
  readonly charge: Uint8Array;
  /** Before an atomic wait, whose timeout is on top of the stack. */
  readonly noWait: Uint8Array;
  /** The body of the charge function the module gains. */
  readonly chargeBody: Uint8Array;
}

/**
 * A tick counts the counter global down by one; below zero it calls the charge function with
 * 0. The charge function counts down its argument's worth of ticks and, below zero, asks the
 * host (`check`) for a new allowance, trapping when the host answers 0 (the call is past its
 * deadline or cancelled). A trap, unlike an exception thrown from the import, cannot be caught
 * by the module's own exception handlers.
 */
export function meterCode(counter: number, check: number, charge: number): MeterCode {
  const code = (build: (writer: ByteWriter) => void): Uint8Array => {
    const writer = new ByteWriter();
    build(writer);
    return writer.finish();
  };
  const op = (writer: ByteWriter, opcode: number, index: number) => {
    writer.byte(opcode);
    writer.u32(index);
  };
  const GLOBAL_GET = 0x23;
  const GLOBAL_SET = 0x24;
  const CALL = 0x10;
  const belowZero = (writer: ByteWriter) => {
    op(writer, GLOBAL_GET, counter);
    writer.bytes(Uint8Array.of(0x41, 0x00, 0x48, 0x04, 0x40)); // i32.const 0, i32.lt_s, if
  };
  return {
    tick: code((writer) => {
      op(writer, GLOBAL_GET, counter);
      writer.bytes(Uint8Array.of(0x41, 0x01, 0x6b)); // i32.const 1, i32.sub
      op(writer, GLOBAL_SET, counter);
      belowZero(writer);
      writer.bytes(Uint8Array.of(0x41, 0x00)); // i32.const 0
      op(writer, CALL, charge);
      writer.bytes(Uint8Array.of(0x1a, 0x0b)); // drop, end
    }),
    charge: code((writer) => op(writer, CALL, charge)),
    noWait: Uint8Array.of(0x1a, 0x42, 0x00), // drop, i64.const 0
    chargeBody: code((writer) => {
      writer.byte(0); // no locals
      op(writer, GLOBAL_GET, counter);
      writer.bytes(Uint8Array.of(0x20, 0x00, 0x41, BULK_BYTES_PER_TICK_LOG2, 0x76, 0x6b)); // local.get 0, i32.const 6, i32.shr_u, i32.sub
      op(writer, GLOBAL_SET, counter);
      belowZero(writer);
      op(writer, CALL, check);
      op(writer, GLOBAL_SET, counter);
      op(writer, GLOBAL_GET, counter);
      writer.bytes(Uint8Array.of(0x45, 0x04, 0x40, 0x00, 0x0b, 0x0b)); // i32.eqz, if, unreachable, end, end
      writer.bytes(Uint8Array.of(0x20, 0x00, 0x0b)); // local.get 0, end
    }),
  };
}

function skipLocals(reader: ByteReader): void {
  for (let groups = reader.u32(); groups > 0; groups -= 1) {
    reader.u32();
    skipValueType(reader);
  }
}

function meterBody(body: Uint8Array, code: MeterCode, shift: FunctionShift, out: ByteWriter): void {
  const reader = new ByteReader(body);
  skipLocals(reader);
  const edits = { inserts: [reader.offset, INSERT_TICK], functionRefs: [] as number[] };
  scanExpression(reader, edits);
  if (!reader.done) throw malformed('function body has bytes after its end');
  // Inserts and function indices interleave in byte order: copy between them in order.
  const { inserts, functionRefs } = edits;
  let at = 0;
  let ref = 0;
  for (let index = 0; index < inserts.length; index += 2) {
    const offset = inserts[index]!;
    const kind = inserts[index + 1]!;
    const first = ref;
    while (ref < functionRefs.length && functionRefs[ref]! < offset) ref += 3;
    copyShifted(out, body, at, offset, functionRefs, shift, first, ref);
    out.bytes(
      kind === INSERT_TICK ? code.tick : kind === INSERT_CHARGE ? code.charge : code.noWait,
    );
    at = offset;
  }
  copyShifted(out, body, at, body.length, functionRefs, shift, ref);
}

/** The code section with every body metered, function indices shifted, and the charge function appended. */
export function meterBodies(
  payload: Uint8Array,
  code: MeterCode,
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
    meterBody(body, code, shift, metered);
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
