// The control frames of a function body, as far as wrapped loops change them: which loops are
// wrapped, and how much deeper each branch that leaves one becomes.
import { type ByteReader, malformed } from './byte-reader.js';
import {
  type ExpressionEdits,
  INSERT_LOOP_OPEN,
  INSERT_LOOP_TICK,
  INSERT_TICK,
  WRAPPER_LABELS,
} from './edits.js';
import { blockTypeIndex } from './value-types.js';

/** Opens a control frame: `wrapped` when it is a loop the rewrite wraps. */
export function openFrame(edits: ExpressionEdits, wrapped: boolean): void {
  const upTo = edits.loops?.wrappedUpTo;
  if (upTo !== undefined) upTo.push((upTo.at(-1) ?? 0) + (wrapped ? 1 : 0));
}

/** Closes the innermost control frame; true when it was a wrapped loop. */
export function closeFrame(edits: ExpressionEdits): boolean {
  const upTo = edits.loops?.wrappedUpTo;
  if (upTo === undefined || upTo.length === 0) return false;
  const inside = upTo.pop()!;
  return inside > (upTo.at(-1) ?? 0);
}

/** Reads a label immediate; records its new depth when wrapped loops lie between it and its target. */
export function label(reader: ByteReader, edits: ExpressionEdits): void {
  const start = reader.offset;
  const depth = reader.u32();
  const upTo = edits.loops?.wrappedUpTo;
  if (upTo === undefined || upTo.length === 0) return;
  const top = upTo.length - 1;
  const target = top - depth;
  const crossed = upTo[top]! - (target < 0 ? 0 : upTo[target]!);
  if (crossed > 0) edits.labelRefs.push(start, reader.offset, depth + WRAPPER_LABELS * crossed);
}

/**
 * A loop that takes no parameters is wrapped (its counter a local, its refill outside it); one
 * that does keeps a tick on the counter global at its header. Outside a function body (no
 * `loops`), every loop keeps the global tick.
 */
export function openLoop(reader: ByteReader, edits: ExpressionEdits): void {
  const opcodeAt = reader.offset - 1;
  const typeIndex = blockTypeIndex(reader);
  const loops = edits.loops;
  const params = typeIndex === undefined ? 0 : loops?.typeParams[typeIndex];
  if (loops !== undefined && params === undefined)
    throw malformed(`loop of type ${typeIndex}, which the type section does not have`);
  if (loops === undefined || params !== 0) {
    edits.inserts.push(reader.offset, INSERT_TICK, 0);
    openFrame(edits, false);
    return;
  }
  edits.inserts.push(opcodeAt, INSERT_LOOP_OPEN, reader.offset, reader.offset, INSERT_LOOP_TICK, 0);
  loops.wrapped += 1;
  openFrame(edits, true);
}
