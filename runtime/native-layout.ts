import type { ArtifactHeader } from './artifact-format.js';
import { PluginError } from './errors.js';

// The system loader maps a library's segments straight from the file. A segment that runs past
// the end of a truncated file is not an error to dlopen: touching it raises SIGBUS and ends the
// process. So every table and segment the loader will map is checked to lie inside the file.

const ELF_PT_LOAD = 1;
const MACHO_LC_SEGMENT = 0x1;
const MACHO_LC_SEGMENT_64 = 0x19;

function truncated(what: string, end: number | bigint, size: number): PluginError {
  return new PluginError(
    'PLUGIN_FORMAT_INVALID',
    `truncated or corrupt library: ${what} ends at byte ${end}, the file has ${size}`,
    {
      details: { what, end: Number(end), size },
    },
  );
}

function within(
  view: DataView,
  what: string,
  offset: number | bigint,
  length: number | bigint,
): void {
  const end = BigInt(offset) + BigInt(length);
  if (end > BigInt(view.byteLength)) throw truncated(what, end, view.byteLength);
}

function checkElf(view: DataView): void {
  const is64 = view.getUint8(4) === 2;
  const little = view.getUint8(5) === 1;
  within(view, 'ELF header', 0, is64 ? 64 : 52);
  const u16 = (at: number) => view.getUint16(at, little);
  const word = (at: number): bigint =>
    is64 ? view.getBigUint64(at, little) : BigInt(view.getUint32(at, little));
  const phoff = word(is64 ? 32 : 28);
  const shoff = word(is64 ? 40 : 32);
  const [phentsize, phnum, shentsize, shnum] = is64
    ? [u16(54), u16(56), u16(58), u16(60)]
    : [u16(42), u16(44), u16(46), u16(48)];
  within(view, 'program header table', phoff, phentsize * phnum);
  if (shnum > 0) within(view, 'section header table', shoff, shentsize * shnum);
  for (let index = 0; index < phnum; index += 1) {
    const entry = Number(phoff) + index * phentsize;
    if (view.getUint32(entry, little) !== ELF_PT_LOAD) continue;
    const offset = is64
      ? view.getBigUint64(entry + 8, little)
      : BigInt(view.getUint32(entry + 4, little));
    const fileSize = is64
      ? view.getBigUint64(entry + 32, little)
      : BigInt(view.getUint32(entry + 16, little));
    within(view, `loadable segment ${index}`, offset, fileSize);
  }
}

function checkPe(view: DataView): void {
  const peOffset = view.getUint32(0x3c, true);
  within(view, 'COFF header', peOffset, 24);
  const sections = view.getUint16(peOffset + 6, true);
  const optionalSize = view.getUint16(peOffset + 20, true);
  const table = peOffset + 24 + optionalSize;
  within(view, 'optional header and section table', peOffset + 24, optionalSize + sections * 40);
  for (let index = 0; index < sections; index += 1) {
    const entry = table + index * 40;
    within(
      view,
      `section ${index}`,
      view.getUint32(entry + 20, true),
      view.getUint32(entry + 16, true),
    );
  }
}

function checkMachO(view: DataView): void {
  if (view.getUint32(0, false) === 0xcafebabe) return; // universal: the loader checks each slice
  const is64 = view.getUint32(0, true) === 0xfeedfacf;
  const headerSize = is64 ? 32 : 28;
  const commands = view.getUint32(16, true);
  const commandsSize = view.getUint32(20, true);
  within(view, 'load commands', headerSize, commandsSize);
  let offset = headerSize;
  for (let index = 0; index < commands; index += 1) {
    within(view, `load command ${index}`, offset, 8);
    const command = view.getUint32(offset, true);
    const size = view.getUint32(offset + 4, true);
    if (size < 8) throw truncated(`load command ${index}`, offset + size, view.byteLength);
    within(view, `load command ${index}`, offset, size);
    if (command === MACHO_LC_SEGMENT_64)
      within(
        view,
        `segment ${index}`,
        view.getBigUint64(offset + 40, true),
        view.getBigUint64(offset + 48, true),
      );
    if (command === MACHO_LC_SEGMENT)
      within(
        view,
        `segment ${index}`,
        view.getUint32(offset + 32, true),
        view.getUint32(offset + 36, true),
      );
    offset += size;
  }
}

/**
 * Checks that the tables and segments a system loader maps from a native library lie inside the
 * file, so a truncated or cut-down library is PLUGIN_FORMAT_INVALID instead of a SIGBUS.
 * It does not make an untrusted library safe to load in-process: a library can be well-formed
 * and still crash its host. Load untrusted libraries in an isolated child process.
 */
export function checkNativeLayout(bytes: Uint8Array, header: ArtifactHeader): void {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  try {
    if (header.format === 'elf') checkElf(view);
    else if (header.format === 'pe') checkPe(view);
    else if (header.format === 'macho') checkMachO(view);
  } catch (error) {
    if (error instanceof RangeError)
      throw truncated('a header field', bytes.length + 1, bytes.length);
    throw error;
  }
}
