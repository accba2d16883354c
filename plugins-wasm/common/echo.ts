// The behaviour most fixtures share around their one fault: output = prefix + input.
import { OutputWriter } from "../../pdk/assemblyscript";

export function echo(
  inPtr: usize,
  inLen: u32,
  outPtr: usize,
  outCap: u32,
  outLenPtr: usize,
  prefix: string = "",
): i32 {
  const out = new OutputWriter(outPtr, outCap);
  out.ascii(prefix);
  out.bytes(inPtr, inLen);
  return out.finish(outLenPtr);
}

/** The ABI's ProcessData for a fixture whose fault is elsewhere: output = input. */
export function ProcessData(
  inPtr: usize,
  inLen: u32,
  outPtr: usize,
  outCap: u32,
  outLenPtr: usize,
): i32 {
  return echo(inPtr, inLen, outPtr, outCap, outLenPtr);
}
