// The host functions one plugin may call, found by the name's bytes where the plugin left them.
// A call_host names its function on every call: decoding the name to a string and looking it up
// cost more than the rest of a host call, so each granted name is encoded once at load and a
// call's name is compared with those bytes in place.
import { TP_STATUS } from './api.js';
import { sameBytes } from './kept-answer.js';
import type { HostFunction } from './plugin-host.js';

/** A granted name: its bytes, and the application's function, if it registered one. */
export interface HostTarget {
  readonly name: string;
  readonly bytes: Uint8Array;
  readonly fn: HostFunction | undefined;
}

/** Host-function names are at most this long (grants.ts checks the granted ones). */
export const MAX_NAME_BYTES = 128;

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

export class HostFunctionTable {
  readonly #targets: readonly HostTarget[];
  /** Where the last match was: a plugin usually calls the same function again. */
  #last = 0;

  /** `granted` are checked names (ASCII, 1 to 128 bytes, grants.ts), so their bytes are exact. */
  constructor(granted: readonly string[], registered: ReadonlyMap<string, HostFunction>) {
    const utf8 = new TextEncoder();
    this.#targets = granted.map((name) => ({
      name,
      bytes: utf8.encode(name),
      fn: registered.get(name),
    }));
  }

  get size(): number {
    return this.#targets.length;
  }

  /**
   * The granted function named by `bytes[at, at + length)`, or the status for the call:
   * INVALID for a name over 128 bytes or not UTF-8, DENIED for a name not granted, NOT_FOUND
   * for a granted name the application did not register.
   */
  find(bytes: Uint8Array, at: number, length: number): HostTarget | number {
    const targets = this.#targets;
    const count = targets.length;
    for (let step = 0; step < count; step += 1) {
      const index = (this.#last + step) % count;
      const target = targets[index]!;
      if (sameBytes(target.bytes, bytes, at, length)) {
        this.#last = index;
        return target.fn === undefined ? TP_STATUS.NOT_FOUND : target;
      }
    }
    return unknownName(bytes, at, length);
  }
}

/** A name matching no grant: malformed (INVALID) or only not granted (DENIED). */
function unknownName(bytes: Uint8Array, at: number, length: number): number {
  if (length > MAX_NAME_BYTES) return TP_STATUS.INVALID;
  try {
    strictUtf8.decode(bytes.subarray(at, at + length));
  } catch {
    return TP_STATUS.INVALID;
  }
  return TP_STATUS.DENIED;
}
