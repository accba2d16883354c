const LC_SYMTAB = 0x2;
const N_STAB = 0xe0;
const N_TYPE = 0x0e;
const N_SECT = 0x0e;
const N_EXT = 0x01;
const MAX_COMMANDS = 4096;
const MAX_SYMBOLS = 1 << 20;
const MAX_NAME_BYTES = 4096;

/**
 * The external symbols a thin little-endian Mach-O image defines, from its LC_SYMTAB, without
 * the leading underscore C names get. (A universal file is read by its slice on macOS.)
 */
export function readMachOExports(view: DataView): string[] {
  const is64 = view.getUint32(0, true) === 0xfeedfacf;
  if (!is64 && view.getUint32(0, true) !== 0xfeedface) return [];
  const commands = Math.min(view.getUint32(16, true), MAX_COMMANDS);
  let at = is64 ? 32 : 28;
  for (let index = 0; index < commands && at + 8 <= view.byteLength; index += 1) {
    const command = view.getUint32(at, true);
    const size = view.getUint32(at + 4, true);
    if (command === LC_SYMTAB) return readSymtab(view, at, is64);
    if (size < 8) break;
    at += size;
  }
  return [];
}

function readSymtab(view: DataView, command: number, is64: boolean): string[] {
  const symoff = view.getUint32(command + 8, true);
  const nsyms = Math.min(view.getUint32(command + 12, true), MAX_SYMBOLS);
  const stroff = view.getUint32(command + 16, true);
  const strEnd = Math.min(stroff + view.getUint32(command + 20, true), view.byteLength);
  const entry = is64 ? 16 : 12;
  const names: string[] = [];
  for (let n = 0; n < nsyms; n += 1) {
    const at = symoff + n * entry;
    if (at + entry > view.byteLength) break;
    const type = view.getUint8(at + 4);
    if ((type & N_STAB) !== 0 || (type & N_EXT) === 0 || (type & N_TYPE) !== N_SECT) continue;
    let name = '';
    for (
      let p = stroff + view.getUint32(at, true);
      p < strEnd && name.length < MAX_NAME_BYTES;
      p += 1
    ) {
      const byte = view.getUint8(p);
      if (byte === 0) break;
      name += String.fromCharCode(byte);
    }
    if (name.length > 0) names.push(name.startsWith('_') ? name.slice(1) : name);
  }
  return names;
}
