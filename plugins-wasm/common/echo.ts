// The behaviour most fixtures share around their one fault: output = prefix + input. Fixtures
// that are echo and nothing else re-export this ProcessData; trap and spin-on-demand call it
// (imported as echo) once they have checked for their fault.
import { OutputWriter } from "../../pdk/assemblyscript";

// What ProcessData writes before the input; set once, at the top level of an entry file.
let prefix = "";

/** Sets the prefix (the versioned template's "<VERSION>:"); the empty string without a call. */
export function setEchoPrefix(text: string): void {
  prefix = text;
}

/** The ABI's ProcessData: output = prefix + input. */
export function ProcessData(
  inPtr: usize,
  inLen: u32,
  outPtr: usize,
  outCap: u32,
  outLenPtr: usize,
): i32 {
  const out = new OutputWriter(outPtr, outCap);
  out.ascii(prefix);
  out.bytes(inPtr, inLen);
  return out.finish(outLenPtr);
}
