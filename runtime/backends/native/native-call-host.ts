// call_host for a native plugin, written out for its seven parameters as the Wasm one is
// (runtime/host/wasm-call-host.ts): the generic glue's argument arrays and output object cost
// about as much as the koffi callback itself, and a plugin may call a host function in a tight
// loop. Same checks, same order of statuses as host-glue.ts.
import { TP_STATUS } from '../../host/api.js';
import type { GuestPointer } from '../../host/host-glue.js';
import type { KeptAnswer } from '../../host/kept-answer.js';
import type { HostLink } from '../../host/link.js';
import type { NativeMemory } from './native-memory.js';

/** koffi passes pointers as bigint (null for NULL) and uint32_t as numbers. */
type NativeCallHost = (
  name: GuestPointer,
  nameLength: number,
  input: GuestPointer,
  inputLength: number,
  out: GuestPointer,
  outCap: number,
  outLen: GuestPointer,
) => number;

/** The `call_host` entry of one plugin's table; `kept` is its glue's. */
export function nativeCallHost(
  link: HostLink,
  memory: NativeMemory,
  kept: KeptAnswer,
): NativeCallHost {
  return (name, nameLength, input, inputLength, out, outCap, outLen) => {
    const names = memory.read(name, nameLength);
    const inputs = names && memory.read(input, inputLength);
    if (!inputs || !memory.fits(out, outCap) || !memory.fits(outLen, 4)) {
      kept.drop();
      return TP_STATUS.BOUNDS;
    }
    let data = kept.holds ? kept.take(names, 0, nameLength, inputs, 0, inputLength) : undefined;
    if (data === undefined) {
      const answer = link.callHost(memory.words(names), 0, nameLength, inputs, 0, inputLength);
      if (typeof answer === 'number') {
        memory.writeU32(outLen, 0);
        return answer;
      }
      data = answer;
    }
    memory.writeU32(outLen, data.length);
    if (data.length > outCap) {
      kept.keep(names, 0, nameLength, inputs, 0, inputLength, data);
      return TP_STATUS.BUFFER_TOO_SMALL;
    }
    if (data.length > 0) memory.write(out, data);
    return TP_STATUS.OK;
  };
}
