// The upper sample's logic as an Extism plugin, for bench/suites/isolation.ts: the same byte
// rule, against Extism's host ABI (extism:host/env), reading and writing 8 bytes per host call
// so that Extism pays no more host calls than it must. Built at bench start, never committed.

// @ts-ignore: decorator (valid AssemblyScript, unknown to tsc)
@external("extism:host/env", "input_length")
declare function input_length(): i64;
// @ts-ignore: decorator
@external("extism:host/env", "input_load_u64")
declare function input_load_u64(offset: i64): i64;
// @ts-ignore: decorator
@external("extism:host/env", "input_load_u8")
declare function input_load_u8(offset: i64): i32;
// @ts-ignore: decorator
@external("extism:host/env", "alloc")
declare function extism_alloc(length: i64): i64;
// @ts-ignore: decorator
@external("extism:host/env", "store_u64")
declare function store_u64(offset: i64, value: i64): void;
// @ts-ignore: decorator
@external("extism:host/env", "store_u8")
declare function store_u8(offset: i64, value: i32): void;
// @ts-ignore: decorator
@external("extism:host/env", "output_set")
declare function output_set(offset: i64, length: i64): void;

function upperByte(c: i32): i32 {
  return c >= 0x61 && c <= 0x7a ? c - 0x20 : c;
}

/** Eight bytes at once, each by the same rule as upperByte. */
function upperWord(word: i64): i64 {
  let out: i64 = 0;
  for (let shift: i64 = 0; shift < 64; shift += 8) {
    out |= (<i64>upperByte(<i32>((word >>> shift) & 0xff))) << shift;
  }
  return out;
}

export function upper(): i32 {
  const length = input_length();
  const output = extism_alloc(length);
  let offset: i64 = 0;
  for (; offset + 8 <= length; offset += 8) {
    store_u64(output + offset, upperWord(input_load_u64(offset)));
  }
  for (; offset < length; offset++) {
    store_u8(output + offset, upperByte(input_load_u8(offset)));
  }
  output_set(output, length);
  return 0;
}
