// Host API v1 for AssemblyScript plugins (docs/host-api.md): the `twinplug_v1` imports, declared
// once here, and small wrappers over them. A plugin that uses none of them imports nothing new:
// asc keeps only the imports a module calls.

/** Host API status codes (twinplug.h's TP_* constants). */
export const TP_OK: i32 = 0;
export const TP_BUFFER_TOO_SMALL: i32 = 1;
export const TP_ERR_NOT_FOUND: i32 = -6;

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

/** One line to the plugin's log (UTF-8); returns the host's status. */
export function log(level: i32, message: string): i32 {
  const bytes = String.UTF8.encode(message);
  return tp_log(level, changetype<usize>(bytes), <u32>bytes.byteLength);
}

/** What kv_get found: `status` TP_OK with `value`, TP_ERR_NOT_FOUND, or another host error. */
export class KvValue {
  constructor(public status: i32, public value: ArrayBuffer | null) {}
}

/** The value under `key`, with the two-call protocol: a first try into 64 bytes, then the size needed. */
export function kvGet(key: ArrayBuffer): KvValue {
  let value = new ArrayBuffer(64);
  const lenBox = new ArrayBuffer(4);
  const lenPtr = changetype<usize>(lenBox);
  for (let attempt = 0; attempt < 2; attempt++) {
    const status = tp_kv_get(
      changetype<usize>(key),
      <u32>key.byteLength,
      changetype<usize>(value),
      <u32>value.byteLength,
      lenPtr,
    );
    const len = load<u32>(lenPtr);
    if (status == TP_OK) return new KvValue(TP_OK, value.slice(0, <i32>len));
    if (status != TP_BUFFER_TOO_SMALL) return new KvValue(status, null);
    value = new ArrayBuffer(<i32>len);
  }
  return new KvValue(TP_BUFFER_TOO_SMALL, null); // the value grew between the two calls
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
