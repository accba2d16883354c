// visits: visits per visitor in the host's key-value store, each one logged (docs/samples.md).
// The AssemblyScript twin of plugins-dll/visits/visits.c, through the AssemblyScript PDK's host API.
import { definePluginInfo, TP_BUFFER_TOO_SMALL, TP_OK } from "../../pdk/assemblyscript";
import { kvDelete, kvGet, kvSet, log, LOG_INFO, TP_ERR_NOT_FOUND } from "../../pdk/assemblyscript";

export { alloc, dealloc, PluginInfo } from "../../pdk/assemblyscript";

const INVALID_NAME: i32 = -2;
const HOST_ERROR: i32 = -3;
const MAX_NAME: u32 = 64;

definePluginInfo(
  "visits",
  "1.0.0",
  "visits per visitor, kept in the host's key-value store",
);

/** The count a stored value holds: 1 to 18 decimal digits, else -1. */
function parseCount(value: ArrayBuffer): i64 {
  const len = value.byteLength;
  if (len == 0 || len > 18) return -1;
  let count: i64 = 0;
  for (let i = 0; i < len; i++) {
    const c = load<u8>(changetype<usize>(value) + <usize>i);
    if (c < 0x30 || c > 0x39) return -1;
    count = count * 10 + <i64>(c - 0x30);
  }
  return count;
}

/** Writes `text` (ASCII) to the output if it fits; returns the ABI status. */
function answer(text: string, outPtr: usize, outCap: u32, outLenPtr: usize): i32 {
  const len = <u32>text.length;
  store<u32>(outLenPtr, len);
  if (outCap < len) return TP_BUFFER_TOO_SMALL;
  for (let i: u32 = 0; i < len; i++) store<u8>(outPtr + <usize>i, <u8>text.charCodeAt(<i32>i));
  return TP_OK;
}

export function ProcessData(
  inPtr: usize,
  inLen: u32,
  outPtr: usize,
  outCap: u32,
  outLenPtr: usize,
): i32 {
  const forget = inLen > 0 && load<u8>(inPtr) == 0x2d; // '-'
  const namePtr = inPtr + (forget ? 1 : 0);
  const nameLen = inLen - (forget ? 1 : 0);
  if (nameLen == 0 || nameLen > MAX_NAME) return INVALID_NAME;
  for (let i: u32 = 0; i < nameLen; i++) {
    const c = load<u8>(namePtr + <usize>i);
    if (c < 0x21 || c > 0x7e) return INVALID_NAME;
  }
  const name = String.UTF8.decodeUnsafe(namePtr, nameLen);
  const key = String.UTF8.encode("visits:" + name);
  if (forget) {
    const text = name + ": forgotten";
    // Output first, side effects once it fits: a too-small buffer means the host calls again.
    if (outCap < <u32>text.length) return answer(text, outPtr, outCap, outLenPtr);
    const status = kvDelete(key);
    if (status != TP_OK && status != TP_ERR_NOT_FOUND) return HOST_ERROR;
    return answer(text, outPtr, outCap, outLenPtr);
  }
  const stored = kvGet(key);
  let count: i64 = 0;
  if (stored.status == TP_OK) count = parseCount(changetype<ArrayBuffer>(stored.value));
  else if (stored.status != TP_ERR_NOT_FOUND) return HOST_ERROR;
  if (count < 0) return HOST_ERROR;
  const digits = (count + 1).toString();
  const text = name + ": visit " + digits;
  if (outCap < <u32>text.length) return answer(text, outPtr, outCap, outLenPtr);
  if (kvSet(key, String.UTF8.encode(digits)) != TP_OK) return HOST_ERROR;
  log(LOG_INFO, "visit " + digits + " from " + name);
  return answer(text, outPtr, outCap, outLenPtr);
}
