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

/** The `twinplug_v1.call_host` import of one instance; `kept` is its glue's (host-glue.ts). */
export function wasmCallHost(
  link: HostLink,
  memory: WasmGuestMemory,
  kept: KeptAnswer,
): WasmCallHost {
  // The memory's views, held here: reading them from `memory` on every call costs more.
  let bytes: Uint8Array = new Uint8Array(0);
  let words: DataView = new DataView(bytes.buffer);
  const refresh = (end: number) => {
    bytes = memory.reaching(end);
    words = memory.words();
  };

  return (name, nameLength, input, inputLength, out, outCap, outLen) => {
    let end = Math.max(name + nameLength, input + inputLength, out + outCap, outLen + 4);
    // Wasm passes i32s signed: one that is negative here is an offset of 2 GiB or more.
    if (
      (name | nameLength | input | inputLength | out | outCap | outLen) < 0 ||
      end > bytes.length
    ) {
      // As unsigned offsets every end is exact (under 2^34).
      name >>>= 0;
      nameLength >>>= 0;
      input >>>= 0;
      inputLength >>>= 0;
      out >>>= 0;
      outCap >>>= 0;
      outLen >>>= 0;
      end = Math.max(name + nameLength, input + inputLength, out + outCap, outLen + 4);
      refresh(end);
      if (end > bytes.length) {
        kept.drop();
        return TP_STATUS.BOUNDS;
      }
    }
    let data = kept.holds
      ? kept.take(bytes, name, nameLength, bytes, input, inputLength)
      : undefined;
    if (data === undefined) {
      const answer = link.callHost(words, name, nameLength, bytes, input, inputLength);
      // Wasm memory only grows, but a grow during the call detaches these views (length 0).
      if (bytes.length === 0) refresh(end);
      if (typeof answer === 'number') {
        words.setUint32(outLen, 0, true);
        return answer;
      }
      data = answer;
    }
    words.setUint32(outLen, data.length, true);
    if (data.length > outCap) {
      kept.keep(bytes, name, nameLength, bytes, input, inputLength, data);
      return TP_STATUS.BUFFER_TOO_SMALL;
    }
    if (data.length > 0) bytes.set(data, out);
    return TP_STATUS.OK;
  };
}
