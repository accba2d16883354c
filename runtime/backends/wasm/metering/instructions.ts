import { type ByteReader, malformed } from './byte-reader.js';
import { closeFrame, label, openFrame, openLoop } from './control-frames.js';
import { type ExpressionEdits, INSERT_CHARGE, INSERT_LOOP_CLOSE, INSERT_NO_WAIT } from './edits.js';
import { skipBlockType, skipValueType } from './value-types.js';

const OP_BLOCK = 0x02;
const OP_LOOP = 0x03;
const OP_IF = 0x04;
const OP_TRY = 0x06;
const OP_END = 0x0b;
const OP_DELEGATE = 0x18;
const OP_TRY_TABLE = 0x1f;

/** A memory access's alignment (bit 6: a memory index follows) and offset (64-bit for memory64). */
function skipMemarg(reader: ByteReader): void {
  const align = reader.u32();
  if ((align & 0x40) !== 0) reader.u32();
  reader.skipLeb(10);
}

function recordFunction(reader: ByteReader, edits: ExpressionEdits): void {
  const start = reader.offset;
  const index = reader.u32();
  edits.functionRefs.push(start, reader.offset, index);
}

/**
 * Skips the immediates of one instruction whose opcode byte was just read. Returns the change
 * in block depth (+1 opens a block, -1 closes one). Opcodes outside the proposals Node's V8
 * knows are refused: skipping them by guess could misread every byte after them.
 */
function skipImmediates(reader: ByteReader, opcode: number, edits: ExpressionEdits): number {
  if (opcode >= 0x45 && opcode <= 0xc4) return 0; // numeric, sign extension: no immediates
  if (opcode >= 0x28 && opcode <= 0x3e) {
    skipMemarg(reader);
    return 0;
  }
  if (opcode >= 0x20 && opcode <= 0x26) {
    reader.u32(); // local, global or table index
    return 0;
  }
  switch (opcode) {
    case 0x00: // unreachable
    case 0x01: // nop
    case 0x05: // else
    case 0x0a: // throw_ref
    case 0x0f: // return
    case 0x19: // catch_all
    case 0x1a: // drop
    case 0x1b: // select
    case 0xd1: // ref.is_null
    case 0xd3: // ref.eq
    case 0xd4: // ref.as_non_null
      return 0;
    case OP_BLOCK:
    case OP_IF:
    case OP_TRY:
      skipBlockType(reader);
      openFrame(edits, false);
      return 1;
    case OP_LOOP:
      openLoop(reader, edits);
      return 1;
    case OP_END:
      if (closeFrame(edits)) edits.inserts.push(reader.offset, INSERT_LOOP_CLOSE, 0);
      return -1;
    case OP_DELEGATE:
      closeFrame(edits); // the label counts from outside the try it ends
      label(reader, edits);
      return -1;
    case OP_TRY_TABLE:
      skipBlockType(reader);
      skipCatchClauses(reader, edits); // catch labels count from outside the try_table
      openFrame(edits, false);
      return 1;
    case 0x09: // rethrow label
    case 0x0c: // br
    case 0x0d: // br_if
    case 0xd5: // br_on_null
    case 0xd6: // br_on_non_null
      label(reader, edits);
      return 0;
    case 0x07: // catch tag
    case 0x08: // throw tag
    case 0x14: // call_ref type
    case 0x15: // return_call_ref type
    case 0x3f: // memory.size
    case 0x40: // memory.grow
      reader.u32();
      return 0;
    case 0x0e: // br_table
      for (let count = reader.u32() + 1; count > 0; count -= 1) label(reader, edits);
      return 0;
    case 0x10: // call
    case 0x12: // return_call
    case 0xd2: // ref.func
      recordFunction(reader, edits);
      return 0;
    case 0x11: // call_indirect type table
    case 0x13: // return_call_indirect type table
      reader.u32();
      reader.u32();
      return 0;
    case 0x1c: // select with types
      for (let count = reader.u32(); count > 0; count -= 1) skipValueType(reader);
      return 0;
    case 0x41:
      reader.skipLeb(5);
      return 0;
    case 0x42:
      reader.skipLeb(10);
      return 0;
    case 0x43:
      reader.skip(4);
      return 0;
    case 0x44:
      reader.skip(8);
      return 0;
    case 0xd0: // ref.null heaptype
      reader.s33();
      return 0;
    case 0xfc:
      skipMiscPrefixed(reader, edits);
      return 0;
    case 0xfd:
      skipSimd(reader);
      return 0;
    case 0xfe:
      skipAtomic(reader, edits);
      return 0;
    default:
      throw malformed(`unknown opcode 0x${opcode.toString(16)} at byte ${reader.offset - 1}`);
  }
}

function skipCatchClauses(reader: ByteReader, edits: ExpressionEdits): void {
  for (let count = reader.u32(); count > 0; count -= 1) {
    const kind = reader.byte();
    if (kind > 3) throw malformed(`unknown catch clause ${kind}`);
    if (kind < 2) reader.u32(); // the tag of catch and catch_ref
    label(reader, edits);
  }
}

/**
 * Bulk operations whose length is the operand on top of the stack: memory.init, memory.copy,
 * memory.fill, table.init, table.copy, table.grow, table.fill. One of them can take long
 * without any loop, so it is charged by its length.
 */
const CHARGED_BULK_OPS: ReadonlySet<number> = new Set([8, 10, 11, 12, 14, 15, 17]);

/** 0xFC: saturating truncation (0-7), bulk memory (8-11), table operations (12-17). */
function skipMiscPrefixed(reader: ByteReader, edits: ExpressionEdits): void {
  const start = reader.offset - 1;
  const op = reader.u32();
  if (op <= 7) return;
  if (CHARGED_BULK_OPS.has(op)) edits.inserts.push(start, INSERT_CHARGE, 0);
  if (op === 8 || op === 10 || op === 12 || op === 14) {
    reader.u32();
    reader.u32();
    return;
  }
  if (op <= 17) {
    reader.u32();
    return;
  }
  throw malformed(`unknown 0xfc opcode ${op}`);
}

/** 0xFD: fixed-width SIMD and relaxed SIMD. */
function skipSimd(reader: ByteReader): void {
  const op = reader.u32();
  if (op <= 11 || op === 92 || op === 93) skipMemarg(reader);
  else if (op === 12 || op === 13) reader.skip(16);
  else if (op >= 21 && op <= 34) reader.skip(1);
  else if (op >= 84 && op <= 91) {
    skipMemarg(reader);
    reader.skip(1);
  } else if (op > 0x113) throw malformed(`unknown 0xfd opcode ${op}`);
}

/**
 * 0xFE: threads' atomics; all take a memarg but atomic.fence (one reserved byte). A wait
 * (1, 2) could block this thread past any deadline; nothing else can notify an in-process
 * instance, so its timeout (the operand on top) becomes 0: same result, no sleep.
 */
function skipAtomic(reader: ByteReader, edits: ExpressionEdits): void {
  const start = reader.offset - 1;
  const op = reader.u32();
  if (op === 1 || op === 2) edits.inserts.push(start, INSERT_NO_WAIT, 0);
  if (op === 3) reader.skip(1);
  else if (op <= 2 || (op >= 0x10 && op <= 0x4e)) skipMemarg(reader);
  else throw malformed(`unknown 0xfe opcode ${op}`);
}

/**
 * Skips one expression (a function body's instructions, or a constant expression) up to and
 * including the `end` that closes it, recording what the metering rewrite changes.
 */
export function scanExpression(reader: ByteReader, edits: ExpressionEdits): void {
  let depth = 0;
  while (depth >= 0) depth += skipImmediates(reader, reader.byte(), edits);
}
