// upper: ASCII upper-case, byte for byte (docs/samples.md).
import { definePluginInfo, TP_BUFFER_TOO_SMALL, TP_OK } from "../../pdk/assemblyscript";

export { alloc, dealloc, PluginInfo } from "../../pdk/assemblyscript";

definePluginInfo("upper", "1.0.0", "ASCII upper-case; other bytes unchanged");

export function ProcessData(
  inPtr: usize,
  inLen: u32,
  outPtr: usize,
  outCap: u32,
  outLenPtr: usize,
): i32 {
  // Output is exactly as long as the input.
  store<u32>(outLenPtr, inLen);
  if (outCap < inLen) return TP_BUFFER_TOO_SMALL;
  for (let i: usize = 0; i < <usize>inLen; i++) {
    const c = load<u8>(inPtr + i);
    store<u8>(outPtr + i, c >= 0x61 && c <= 0x7a ? c - 0x20 : c);
  }
  return TP_OK;
}
