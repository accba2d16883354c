// Host API v1 for AssemblyScript plugins (docs/host-api.md): the `twinplug_v1` imports, declared
// once here, and small wrappers over them. A plugin that uses none of them imports nothing new:
// asc keeps only the imports a module calls. Each call needs its grant in plugin.json.
import { TP_BUFFER_TOO_SMALL, TP_OK } from "./abi";

/** Host API errors (twinplug.h's TP_ERR_* constants). */
export const TP_ERR_DENIED: i32 = -1;
export const TP_ERR_BOUNDS: i32 = -2;
export const TP_ERR_INVALID: i32 = -3;
export const TP_ERR_TOO_LARGE: i32 = -4;
export const TP_ERR_QUOTA: i32 = -5;
export const TP_ERR_NOT_FOUND: i32 = -6;
export const TP_ERR_HOST_FAILED: i32 = -7;
export const TP_ERR_CLOSED: i32 = -8;
export const TP_ERR_RATE: i32 = -9;

/** Log levels. */
export const LOG_DEBUG: i32 = 0;
export const LOG_INFO: i32 = 1;
export const LOG_WARN: i32 = 2;
export const LOG_ERROR: i32 = 3;

@external("twinplug_v1", "log")
declare function tp_log(level: i32, msg: usize, len: u32): i32;

@external("twinplug_v1", "kv_get")
declare function tp_kv_get(key: usize, keyLen: u32, out: usize, outCap: u32, outLen: usize): i32;

@external("twinplug_v1", "kv_set")
declare function tp_kv_set(key: usize, keyLen: u32, value: usize, valueLen: u32): i32;

@external("twinplug_v1", "kv_delete")
declare function tp_kv_delete(key: usize, keyLen: u32): i32;

@external("twinplug_v1", "call_host")
declare function tp_call_host(
  name: usize,
  nameLen: u32,
  input: usize,
  inLen: u32,
  out: usize,
  outCap: u32,
  outLen: usize,
): i32;

/** One line to the plugin's log (UTF-8); returns the host's status. */
export function log(level: i32, message: string): i32 {
  const bytes = String.UTF8.encode(message);
  return tp_log(level, changetype<usize>(bytes), <u32>bytes.byteLength);
}

/**
 * A host answer with bytes (kvGet, callHost): `status` TP_OK with `value`, or a TP_ERR_* code
 * (TP_ERR_NOT_FOUND: no such key) with `value` null.
 */
export class HostBytes {
  constructor(public status: i32, public value: ArrayBuffer | null) {}
}

/** The two-call protocol's buffers: 256 bytes first, then the size the host asked for. */
class TwoCalls {
  value: ArrayBuffer = new ArrayBuffer(256);
  lenBox: ArrayBuffer = new ArrayBuffer(4);

  out(): usize {
    return changetype<usize>(this.value);
  }

  cap(): u32 {
    return <u32>this.value.byteLength;
  }

  lenPtr(): usize {
    return changetype<usize>(this.lenBox);
  }

  /** The answer to a call that returned `status`, or null to call again with more room. */
  after(status: i32): HostBytes | null {
    const len = load<u32>(this.lenPtr());
    if (status == TP_OK) return new HostBytes(TP_OK, this.value.slice(0, <i32>len));
    if (status != TP_BUFFER_TOO_SMALL) return new HostBytes(status, null);
    this.value = new ArrayBuffer(<i32>len);
    return null;
  }
}

/** The value under `key`. */
export function kvGet(key: ArrayBuffer): HostBytes {
  const calls = new TwoCalls();
  for (let attempt = 0; attempt < 2; attempt++) {
    const keyPtr = changetype<usize>(key);
    const status = tp_kv_get(keyPtr, <u32>key.byteLength, calls.out(), calls.cap(), calls.lenPtr());
    const answer = calls.after(status);
    if (answer != null) return answer;
  }
  return new HostBytes(TP_BUFFER_TOO_SMALL, null); // the value grew between the two calls
}

/** Stores `value` under `key`; returns the host's status. */
export function kvSet(key: ArrayBuffer, value: ArrayBuffer): i32 {
  return tp_kv_set(
    changetype<usize>(key),
    <u32>key.byteLength,
    changetype<usize>(value),
    <u32>value.byteLength,
  );
}

/** Removes `key`; TP_ERR_NOT_FOUND when the store did not hold it. */
export function kvDelete(key: ArrayBuffer): i32 {
  return tp_kv_delete(changetype<usize>(key), <u32>key.byteLength);
}

/**
 * Calls the function the application registered as `name` (granted in `hostFunctions`) with
 * `input`. The host keeps an output that did not fit for the retry, so the function runs once.
 */
export function callHost(name: string, input: ArrayBuffer): HostBytes {
  const nameBytes = String.UTF8.encode(name);
  const calls = new TwoCalls();
  for (let attempt = 0; attempt < 2; attempt++) {
    const status = tp_call_host(
      changetype<usize>(nameBytes),
      <u32>nameBytes.byteLength,
      changetype<usize>(input),
      <u32>input.byteLength,
      calls.out(),
      calls.cap(),
      calls.lenPtr(),
    );
    const answer = calls.after(status);
    if (answer != null) return answer;
  }
  return new HostBytes(TP_BUFFER_TOO_SMALL, null); // the answer grew between the two calls
}
