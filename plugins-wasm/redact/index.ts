// redact: replaces configured words with a mask (docs/samples.md).
import { definePluginInfo } from "../../pdk/assemblyscript";
import { OutputWriter } from "../../pdk/assemblyscript";
import { foldCase, parseConfig, RedactConfig } from "./config";

export { alloc, dealloc, PluginInfo } from "../../pdk/assemblyscript";

const INVALID_CONFIG: i32 = -1;

definePluginInfo("redact", "1.0.0", "Replaces configured words with a mask");

/** No words until Initialize configures some, and again after Cleanup. */
let config = new RedactConfig();

export function Initialize(configPtr: usize, len: u32): i32 {
  const parsed = parseConfig(configPtr, len);
  if (parsed == null) {
    config = new RedactConfig();
    return INVALID_CONFIG;
  }
  config = parsed;
  return 0;
}

export function Cleanup(): void {
  config = new RedactConfig();
}

export function ProcessData(
  inPtr: usize,
  inLen: u32,
  outPtr: usize,
  outCap: u32,
  outLenPtr: usize,
): i32 {
  const out = new OutputWriter(outPtr, outCap);
  const mask = config.mask;
  let pos: u32 = 0;
  while (pos < inLen) {
    const matched = matchAt(inPtr, inLen, pos);
    if (matched > 0) {
      out.bytes(mask.dataStart, <u32>mask.length);
      pos += matched;
    } else {
      out.byte(load<u8>(inPtr + <usize>pos));
      pos++;
    }
  }
  return out.finish(outLenPtr);
}

/** Length of the first word in config order that matches at `pos`, or 0. */
function matchAt(inPtr: usize, inLen: u32, pos: u32): u32 {
  const words = config.words;
  for (let w = 0; w < words.length; w++) {
    const word = unchecked(words[w]);
    const len = <u32>word.length;
    if (len > inLen - pos) continue;
    let i: u32 = 0;
    while (i < len && foldCase(load<u8>(inPtr + <usize>(pos + i))) == unchecked(word[i])) i++;
    if (i == len) return len;
  }
  return 0;
}
