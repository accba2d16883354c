// The code the metering rewrite inserts into a module, built once per module (the indices
// differ between modules) and, for wrapped loops, once per function (the counter is a local).
import { ByteWriter } from './byte-writer.js';

/** Bytes charged as one tick by a bulk operation (2^6 = 64). */
const BULK_BYTES_PER_TICK_LOG2 = 6;

/**
 * Loop iterations a function's local counter allows between two charges to the counter
 * global. A function with such loops pays its first allowance at entry and each further one
 * when its counter runs out, so the global never counts less than what ran: a deadline check
 * comes within TICKS_PER_CHECK ticks, as with a tick per iteration.
 */
export const LOOP_TICKS_PER_REFILL = 256;

/** The least allowance that still lets a loop run: a tick takes one, and the refill's retry one more. */
export const MIN_LOOP_TICKS_PER_REFILL = 2;

/** The bytes `build` writes. */
function code(build: (writer: ByteWriter) => void): Uint8Array {
  const writer = new ByteWriter(32);
  build(writer);
  return writer.finish();
}

/** The code a rewrite inserts, built once per module (the indices differ between modules). */
export interface MeterCode {
  /** At each function entry, and at the header of a loop that takes parameters. */
  readonly tick: Uint8Array;
  /** At the entry of a function with wrapped loops: its own tick and its loops' first allowance. */
  readonly prepaidTick: Uint8Array;
  /** Before a bulk operation, whose length is on top of the stack. */
  readonly charge: Uint8Array;
  /** Before an atomic wait, whose timeout is on top of the stack. */
  readonly noWait: Uint8Array;
  /** The body of the charge function the module gains. */
  readonly chargeBody: Uint8Array;
  /** That function's index. */
  readonly chargeIndex: number;
  /** Iterations a wrapped loop's counter allows between charges ({@link LOOP_TICKS_PER_REFILL}). */
  readonly loopTicks: number;
}

/**
 * A tick counts the counter global down by one; below zero it calls the charge function with
 * 0. The charge function counts down its argument's worth of ticks and, below zero, asks the
 * host (`check`) for a new allowance, trapping when the host answers 0 (the call is past its
 * deadline or cancelled). A trap, unlike an exception thrown from the import, cannot be caught
 * by the module's own exception handlers.
 */
export function meterCode(
  counter: number,
  check: number,
  charge: number,
  loopTicks = LOOP_TICKS_PER_REFILL,
): MeterCode {
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
  const tick = (ticks: number) =>
    code((writer) => {
      op(writer, GLOBAL_GET, counter);
      writer.i32Const(ticks);
      writer.byte(0x6b); // i32.sub
      op(writer, GLOBAL_SET, counter);
      belowZero(writer);
      writer.bytes(Uint8Array.of(0x41, 0x00)); // i32.const 0
      op(writer, CALL, charge);
      writer.bytes(Uint8Array.of(0x1a, 0x0b)); // drop, end
    });
  return {
    tick: tick(1),
    prepaidTick: tick(1 + loopTicks),
    loopTicks,
    charge: code((writer) => op(writer, CALL, charge)),
    chargeIndex: charge,
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

/** A wrapped loop's code in one function: at the function's entry, the loop's header, after its end. */
export type LoopCode = Record<'entry' | 'tick' | 'close', Uint8Array>;

/** The code a wrapped loop needs, for a function whose counter is local `counter`. */
export function loopCode(counter: number, meterCode: MeterCode): LoopCode {
  const { chargeIndex: charge, loopTicks, prepaidTick } = meterCode;
  const refill = (writer: ByteWriter) => {
    writer.i32Const(loopTicks << BULK_BYTES_PER_TICK_LOG2); // the ticks, as the charge function's bytes
    writer.byte(0x10); // call charge
    writer.u32(charge);
    writer.byte(0x1a); // drop
    writer.i32Const(loopTicks);
    writer.byte(0x21); // local.set counter
    writer.u32(counter);
  };
  return {
    entry: code((writer) => {
      writer.bytes(prepaidTick);
      writer.i32Const(loopTicks);
      writer.byte(0x21);
      writer.u32(counter);
    }),
    // local.get counter, i32.const 1, i32.sub, local.tee counter, i32.eqz, br_if 1 (the refill)
    tick: code((writer) => {
      writer.byte(0x20);
      writer.u32(counter);
      writer.bytes(Uint8Array.of(0x41, 0x01, 0x6b, 0x22));
      writer.u32(counter);
      writer.bytes(Uint8Array.of(0x45, 0x0d, 0x01));
    }),
    // br 2 (out, with the loop's results), end, refill, br 0 (the retry loop), end, unreachable, end
    close: code((writer) => {
      writer.bytes(Uint8Array.of(0x0c, 0x02, 0x0b));
      refill(writer);
      writer.bytes(Uint8Array.of(0x0c, 0x00, 0x0b, 0x00, 0x0b));
    }),
  };
}

/** `block bt, loop, block` in front of a wrapped loop (bt: the loop's own block type). */
export function loopOpen(
  body: Uint8Array,
  typeStart: number,
  typeEnd: number,
  out: ByteWriter,
): void {
  out.byte(0x02);
  out.bytes(body.subarray(typeStart, typeEnd));
  out.bytes(Uint8Array.of(0x03, 0x40, 0x02, 0x40));
}
