// crc32: CRC-32/IEEE 802.3 of the input, as 4 bytes big-endian (docs/samples.md).
import { definePluginInfo, TP_BUFFER_TOO_SMALL, TP_OK } from "../../pdk/assemblyscript";

export { alloc, dealloc, PluginInfo } from "../../pdk/assemblyscript";

definePluginInfo("crc32", "1.0.0", "CRC-32/IEEE of the input, 4 bytes big-endian");

const POLYNOMIAL: u32 = 0xedb88320; // reflected
const DIGEST_SIZE: u32 = 4;

/** One entry per byte value: the CRC register after shifting that byte through. */
const TABLE = buildTable();

function buildTable(): StaticArray<u32> {
  const table = new StaticArray<u32>(256);
  for (let n: u32 = 0; n < 256; n++) {
    let crc = n;
    for (let bit = 0; bit < 8; bit++) crc = crc & 1 ? (crc >>> 1) ^ POLYNOMIAL : crc >>> 1;
    table[n] = crc;
  }
  return table;
}

function crc32(ptr: usize, len: u32): u32 {
  let crc: u32 = 0xffffffff;
  for (let i: usize = 0; i < <usize>len; i++) {
    crc = unchecked(TABLE[(crc ^ load<u8>(ptr + i)) & 0xff]) ^ (crc >>> 8);
  }
  return crc ^ 0xffffffff;
}

export function ProcessData(
  inPtr: usize,
  inLen: u32,
  outPtr: usize,
  outCap: u32,
  outLenPtr: usize,
): i32 {
  store<u32>(outLenPtr, DIGEST_SIZE);
  if (outCap < DIGEST_SIZE) return TP_BUFFER_TOO_SMALL;
  // Wasm memory is little-endian; the digest goes out big-endian.
  store<u32>(outPtr, bswap<u32>(crc32(inPtr, inLen)));
  return TP_OK;
}
