// call_host for a Wasm plugin, written out for its seven i32 parameters: the generic glue's
// argument arrays, views and reply objects cost ten times the call itself, and a plugin may call
// a host function in a tight loop. Same checks, same order of statuses as host-glue.ts.
import { TP_STATUS } from './api.js';
import type { KeptAnswer } from './kept-answer.js';
import type { HostLink } from './link.js';
import type { WasmGuestMemory } from './wasm-memory.js';

type WasmCallHost = (
  name: number,
  nameLength: number,
  input: number,
  inputLength: number,
  out: number,
  outCap: number,
  outLen: number,
) => number;

function storeU32(bytes: Uint8Array, at: number, value: number): void {
  bytes[at] = value & 0xff;
  bytes[at + 1] = (value >>> 8) & 0xff;
  bytes[at + 2] = (value >>> 16) & 0xff;
  bytes[at + 3] = (value >>> 24) & 0xff;
}

/** The `twinplug_v1.call_host` import of one instance; `kept` is its glue's (host-glue.ts). */
export function wasmCallHost(
  link: HostLink,
  memory: WasmGuestMemory,
  kept: KeptAnswer,
): WasmCallHost {
  return (name, nameLength, input, inputLength, out, outCap, outLen) => {
    // Wasm passes i32s signed: as unsigned offsets every end below is exact (under 2^34).
    name >>>= 0;
    nameLength >>>= 0;
    input >>>= 0;
    inputLength >>>= 0;
    out >>>= 0;
    outCap >>>= 0;
    outLen >>>= 0;
    const end = Math.max(name + nameLength, input + inputLength, out + outCap, outLen + 4);
    let bytes = memory.reaching(end);
    if (end > bytes.length) {
      kept.drop();
      return TP_STATUS.BOUNDS;
    }
    storeU32(bytes, outLen, 0);
    let data = kept.take(bytes, name, nameLength, bytes, input, inputLength);
    if (data === undefined) {
      const answer = link.callHost(bytes, name, nameLength, bytes, input, inputLength);
      if (typeof answer === 'number') return answer;
      data = answer;
    }
    // The memory cannot have shrunk (Wasm memory only grows), but a grow detaches the old view.
    bytes = memory.reaching(end);
    if (end > bytes.length) return TP_STATUS.BOUNDS;
    storeU32(bytes, outLen, data.length);
    if (data.length > outCap) {
      kept.keep(bytes, name, nameLength, bytes, input, inputLength, data);
      return TP_STATUS.BUFFER_TOO_SMALL;
    }
    if (data.length > 0) bytes.set(data, out);
    return TP_STATUS.OK;
  };
}
