// What the metering rewrite records while it reads an expression, and then changes.

/** What the metering rewrite changes inside an expression, found while skipping it. */
export interface ExpressionEdits {
  /**
   * Flat triples (offset, kind, argument): where the rewrite inserts code of an
   * {@link InsertKind}. The argument is the end of the loop's block type for
   * {@link INSERT_LOOP_OPEN}, 0 otherwise.
   */
  readonly inserts: number[];
  /** Flat triples (start, end, index): each function-index immediate (call, return_call, ref.func). */
  readonly functionRefs: number[];
  /** Flat triples (start, end, depth): each label immediate whose depth the loop wrappers change. */
  readonly labelRefs: number[];
  /** Set to meter loops with a local counter (function bodies); absent in constant expressions. */
  readonly loops?: LoopWrapping;
}

/**
 * A function body's loops are wrapped (see code.ts) when they take no parameters: their counter
 * is a local, and the refill call sits outside the loop, so V8 still unrolls and register-
 * allocates the loop. Every label outside a wrapped loop is three labels further away from the
 * code inside it; control-frames.ts keeps count.
 */
export interface LoopWrapping {
  /** Parameter count of each type in the type section (a loop of a type with any is not wrapped). */
  readonly typeParams: readonly number[];
  /** Loops wrapped so far. */
  wrapped: number;
  /** Per open control frame, how many wrapped loops are open up to and including it. */
  readonly wrappedUpTo: number[];
}

/** Labels each wrapped loop puts around the original one: the exit, the retry loop, the refill. */
export const WRAPPER_LABELS = 3;

/**
 * What the rewrite inserts: a tick on the counter global (function entries, loops that take
 * parameters), the three parts of a wrapped loop, a charge for a bulk operation's length, a wait
 * made non-blocking.
 */
export const INSERT_TICK = 0;
export const INSERT_CHARGE = 1;
export const INSERT_NO_WAIT = 2;
export const INSERT_LOOP_OPEN = 3;
export const INSERT_LOOP_TICK = 4;
export const INSERT_LOOP_CLOSE = 5;
export type InsertKind =
  | typeof INSERT_TICK
  | typeof INSERT_CHARGE
  | typeof INSERT_NO_WAIT
  | typeof INSERT_LOOP_OPEN
  | typeof INSERT_LOOP_TICK
  | typeof INSERT_LOOP_CLOSE;
