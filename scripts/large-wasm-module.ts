// A Wasm echo plugin made as large as asked, for the tests and the bench that need a module
// whose load takes long (metering it, above all): one valid module, written byte by byte.

const I32 = 0x7f;
/** The fewest bytes one filler function takes (body, locals and size prefix; 35 to 37). */
const FILLER_BYTES = 35;

function uleb(value: number): number[] {
  const out: number[] = [];
  let rest = value;
  do {
    const byte = rest & 0x7f;
    rest >>>= 7;
    out.push(rest === 0 ? byte : byte | 0x80);
  } while (rest !== 0);
  return out;
}

/** A signed LEB128 for the small non-negative constants used here (below 2^20). */
function sleb(value: number): number[] {
  const out = uleb(value);
  // A set sign bit in the last byte would make a positive value read as negative.
  if ((out.at(-1)! & 0x40) !== 0) {
    out[out.length - 1]! |= 0x80;
    out.push(0);
  }
  return out;
}

function vector(items: readonly number[][]): number[] {
  return [...uleb(items.length), ...items.flat()];
}

function section(id: number, payload: number[]): number[] {
  return [id, ...uleb(payload.length), ...payload];
}

function body(locals: number[][], code: number[]): number[] {
  const content = [...vector(locals), ...code, 0x0b];
  return [...uleb(content.length), ...content];
}

/** alloc(size): a bump allocator from 1024 that grows memory when it must. */
const ALLOC = body(
  [[1, I32]],
  [
    ...[0x23, 0, 0x21, 1], // pointer = heap
    ...[0x23, 0, 0x20, 0, 0x6a, 0x24, 0], // heap += size
    ...[0x23, 0, 0x3f, 0, 0x41, 16, 0x74, 0x4b], // heap > memory.size << 16
    ...[0x04, 0x40, 0x20, 0, 0x41, 16, 0x76, 0x41, 1, 0x6a, 0x40, 0, 0x1a, 0x0b],
    ...[0x20, 1],
  ],
);

/** ProcessData(in, length, out, cap, outLen): copies the input to the output. */
const PROCESS_DATA = body(
  [],
  [
    ...[0x20, 2, 0x20, 0, 0x20, 1, 0xfc, 10, 0, 0], // memory.copy(out, in, length)
    ...[0x20, 4, 0x20, 1, 0x36, 2, 0], // *outLen = length
    ...[0x41, 0],
  ],
);

/** Never called: a loop and a branch each, what a compiler's output is made of, to meter. */
function filler(index: number): number[] {
  const constant = sleb((index * 7919) & 0xfffff);
  const code = [
    ...[0x03, 0x40], // loop
    ...[0x20, 2, 0x20, 1, 0x41, ...constant, 0x6c, 0x6a, 0x21, 2], // acc += i * k
    ...[0x20, 1, 0x41, 1, 0x6a, 0x22, 1, 0x20, 0, 0x49, 0x0d, 0], // br_if (++i < n)
    0x0b,
    ...[0x20, 2, 0x20, 0, 0x73], // acc ^ n
  ];
  return body([[2, I32]], code);
}

/**
 * A valid echo plugin (memory, alloc, ProcessData) of at least `minBytes`: the rest is filler
 * functions, none of them called, so the module is as large as asked but loads and answers
 * like any small one.
 *
 * @example
 * const plugin = await loadPlugin({ bytes: largeWasmModule(512 * 1024) });
 */
export function largeWasmModule(minBytes: number): Uint8Array {
  const fillers = Math.max(0, Math.ceil(minBytes / FILLER_BYTES));
  const unary = [0x60, 1, I32, 1, I32];
  const processData = [0x60, 5, I32, I32, I32, I32, I32, 1, I32];
  const text = (name: string) => [...uleb(name.length), ...new TextEncoder().encode(name)];
  const functions = [...uleb(fillers + 2), 0, 1];
  const code = [...uleb(fillers + 2), ...ALLOC, ...PROCESS_DATA];
  for (let index = 0; index < fillers; index += 1) {
    functions.push(0);
    for (const byte of filler(index)) code.push(byte);
  }
  const head = [
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...section(1, vector([unary, processData])),
    ...section(3, functions),
    ...section(5, vector([[0x01, 1, ...uleb(256)]])),
    ...section(6, vector([[I32, 0x01, 0x41, ...sleb(1024), 0x0b]])),
    ...section(
      7,
      vector([
        [...text('memory'), 0x02, 0],
        [...text('alloc'), 0x00, 0],
        [...text('ProcessData'), 0x00, 1],
      ]),
    ),
    ...[10, ...uleb(code.length)],
  ];
  const module = new Uint8Array(head.length + code.length);
  module.set(head);
  module.set(code, head.length);
  return module;
}
