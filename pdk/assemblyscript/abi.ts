// Pieces of the twinplug ABI v1 that every AssemblyScript plugin shares.
// An entry file re-exports alloc, dealloc and, when definePluginInfo sets its JSON, PluginInfo
// (`export { alloc, dealloc, PluginInfo } from "twinplug/pdk/assemblyscript"`), because only the
// entry file's exports become module exports.

/** ABI version this code implements; PluginInfo reports it. */
export const ABI_VERSION: i32 = 1;

/** ProcessData results defined by the ABI; plugin errors are negative. */
export const TP_OK: i32 = 0;
export const TP_BUFFER_TOO_SMALL: i32 = 1;

/** TLSF's largest block is 1 GiB less its header; a larger request would abort. */
const MAX_ALLOC_SIZE: u32 = (1 << 30) - 16;

/**
 * Raw memory for the host to write inputs into and read outputs from, or 0 when the request is
 * larger than the allocator's largest block. (A request that fits a block but not the memory
 * left under the host's cap traps inside TLSF's memory.grow path: AssemblyScript's allocator
 * has no way to report that failure.)
 */
export function alloc(size: u32): usize {
  if (size > MAX_ALLOC_SIZE) return 0;
  // Unmanaged: the GC never moves nor frees it, so the host's pointer stays valid.
  return heap.alloc(<usize>size);
}

/** Returns memory obtained from alloc. */
export function dealloc(ptr: usize, size: u32): void {
  heap.free(ptr);
}

/**
 * The NUL-terminated UTF-8 JSON that PluginInfo returns. Keep the result in a global so the GC
 * sees it as reachable and the pointer handed to the host stays valid.
 */
export function encodePluginInfo(
  name: string,
  version: string,
  description: string,
  abi: i32 = ABI_VERSION,
): ArrayBuffer {
  const json =
    '{"name":"' + name +
    '","version":"' + version +
    '","abi":' + abi.toString() +
    ',"description":"' + description + '"}';
  return String.UTF8.encode(json, true);
}

// A global, so the GC keeps it and the pointer PluginInfo hands the host stays valid.
let pluginInfo: ArrayBuffer | null = null;

/**
 * Sets the JSON the PDK's PluginInfo returns (encodePluginInfo's). Call it once, at the top level
 * of the entry file, which runs when the module is instantiated, before the host asks:
 *
 *   export { alloc, dealloc, PluginInfo } from "twinplug/pdk/assemblyscript";
 *   definePluginInfo("upper", "1.0.0", "ASCII upper-case");
 */
export function definePluginInfo(
  name: string,
  version: string,
  description: string,
  abi: i32 = ABI_VERSION,
): void {
  pluginInfo = encodePluginInfo(name, version, description, abi);
}

/**
 * The ABI's PluginInfo: the JSON definePluginInfo set, or 0 before it is called (the host
 * refuses that with PLUGIN_INFO_INVALID). A plugin that writes its own PluginInfo does not
 * re-export this one.
 */
export function PluginInfo(): usize {
  return changetype<usize>(pluginInfo);
}
