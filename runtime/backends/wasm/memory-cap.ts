import { PluginError } from '../../errors.js';

const MEMORY_SECTION = 5;
const HAS_MAXIMUM = 0x01;
const MEMORY64 = 0x04;

function malformed(message: string): PluginError {
  return new PluginError('PLUGIN_FORMAT_INVALID', `malformed Wasm module: ${message}`);
}

function readLeb(bytes: Uint8Array, offset: number): { value: number; next: number } {
  let value = 0;
  let shift = 0;
  for (let index = offset; index < bytes.length && shift < 35; index += 1) {
    const byte = bytes[index]!;
    value += (byte & 0x7f) * 2 ** shift;
    if ((byte & 0x80) === 0) return { value, next: index + 1 };
    shift += 7;
  }
  throw malformed(`bad LEB128 at byte ${offset}`);
}

function writeLeb(value: number): number[] {
  const out: number[] = [];
  let rest = value;
  do {
    let byte = rest % 128;
    rest = Math.floor(rest / 128);
    if (rest > 0) byte |= 0x80;
    out.push(byte);
  } while (rest > 0);
  return out;
}

function rewriteMemorySection(payload: Uint8Array, maxPages: number): number[] {
  const count = readLeb(payload, 0);
  const out = writeLeb(count.value);
  let offset = count.next;
  for (let memory = 0; memory < count.value; memory += 1) {
    const flags = payload[offset];
    if (flags === undefined) throw malformed('truncated memory section');
    if ((flags & MEMORY64) !== 0) throw malformed('64-bit memories are not supported');
    const minimum = readLeb(payload, offset + 1);
    offset = minimum.next;
    let declaredMax = Number.POSITIVE_INFINITY;
    if ((flags & HAS_MAXIMUM) !== 0) {
      const maximum = readLeb(payload, offset);
      declaredMax = maximum.value;
      offset = maximum.next;
    }
    if (minimum.value > maxPages) {
      throw new PluginError(
        'PLUGIN_MEMORY_LIMIT',
        `module needs ${minimum.value} memory pages at start, the cap is ${maxPages}`,
        {
          details: { initialPages: minimum.value, maxPages },
        },
      );
    }
    out.push(
      flags | HAS_MAXIMUM,
      ...writeLeb(minimum.value),
      ...writeLeb(Math.min(declaredMax, maxPages)),
    );
  }
  if (offset !== payload.length) throw malformed('memory section has trailing bytes');
  return out;
}

/**
 * Returns the module's bytes with every memory it defines capped at `maxPages`, so that
 * memory.grow past the cap fails inside the module instead of taking the host's memory.
 * Modules that define no memory are returned unchanged.
 */
export function capMemory(bytes: Uint8Array, maxPages: number): Uint8Array {
  let offset = 8;
  while (offset < bytes.length) {
    const id = bytes[offset]!;
    const size = readLeb(bytes, offset + 1);
    const start = size.next;
    const end = start + size.value;
    if (end > bytes.length) throw malformed(`section ${id} runs past the end of the module`);
    if (id === MEMORY_SECTION) {
      const payload = rewriteMemorySection(bytes.subarray(start, end), maxPages);
      const section = [MEMORY_SECTION, ...writeLeb(payload.length), ...payload];
      const result = new Uint8Array(offset + section.length + (bytes.length - end));
      result.set(bytes.subarray(0, offset), 0);
      result.set(section, offset);
      result.set(bytes.subarray(end), offset + section.length);
      return result;
    }
    offset = end;
  }
  return bytes;
}
