import { ByteReader, malformed } from './byte-reader.js';
import { ByteWriter } from './byte-writer.js';
import { copyShifted, type FunctionShift } from './module-parts.js';

const FUNCTION_NAMES = 1;
const LOCAL_NAMES = 2;
const LABEL_NAMES = 3;

/** Skips a name map (index, name pairs); records each index when `refs` is given. */
function skipNameMap(reader: ByteReader, refs: number[] | undefined): void {
  for (let count = reader.u32(); count > 0; count -= 1) {
    const start = reader.offset;
    const index = reader.u32();
    refs?.push(start, reader.offset, index);
    reader.vecBytes();
  }
}

function subsectionRefs(reader: ByteReader, id: number): number[] {
  const refs: number[] = [];
  if (id === FUNCTION_NAMES) skipNameMap(reader, refs);
  else if (id === LOCAL_NAMES || id === LABEL_NAMES) {
    for (let count = reader.u32(); count > 0; count -= 1) {
      const start = reader.offset;
      const index = reader.u32();
      refs.push(start, reader.offset, index);
      skipNameMap(reader, undefined);
    }
  }
  return refs;
}

/**
 * The `name` custom section with the function indices of its function, local and label names
 * shifted; other subsections are kept as they are. Throws on a malformed section (the caller
 * drops it: engines ignore a malformed name section too).
 */
export function shiftNames(payload: Uint8Array, shift: FunctionShift): Uint8Array {
  const reader = new ByteReader(payload);
  reader.vecBytes();
  const writer = new ByteWriter();
  writer.bytes(payload.subarray(0, reader.offset));
  while (!reader.done) {
    const id = reader.byte();
    const content = reader.vecBytes();
    const inner = new ByteReader(content);
    const refs = subsectionRefs(inner, id);
    if (id >= FUNCTION_NAMES && id <= LABEL_NAMES && !inner.done)
      throw malformed(`name subsection ${id} has trailing bytes`);
    const shifted = new ByteWriter();
    copyShifted(shifted, content, 0, content.length, refs, shift);
    writer.byte(id);
    writer.vec(shifted.finish());
  }
  return writer.finish();
}
