const SHT_DYNSYM = 11;
const STT_OBJECT = 1;
const STT_FUNC = 2;
const STB_GLOBAL = 1;
const STB_WEAK = 2;
const STV_HIDDEN = 2;
const MAX_SYMBOLS = 1 << 20;
const MAX_NAME_BYTES = 4096;

function cString(view: DataView, start: number, end: number): string | undefined {
  let name = '';
  for (let at = start; at < end && at < start + MAX_NAME_BYTES; at += 1) {
    const byte = view.getUint8(at);
    if (byte === 0) return name.length > 0 ? name : undefined;
    name += String.fromCharCode(byte);
  }
  return undefined;
}

/**
 * The functions and data an ELF shared object defines and exports: its .dynsym entries that are
 * global or weak, defined (not undefined imports) and not hidden.
 */
export function readElfExports(view: DataView): string[] {
  const is64 = view.getUint8(4) === 2;
  const little = view.getUint8(5) === 1;
  const u16 = (at: number) => view.getUint16(at, little);
  const u32 = (at: number) => view.getUint32(at, little);
  const word = (at: number) => (is64 ? Number(view.getBigUint64(at, little)) : u32(at));
  const shoff = word(is64 ? 40 : 32);
  const [shentsize, shnum] = is64 ? [u16(58), u16(60)] : [u16(46), u16(48)];
  const section = (index: number) => {
    const at = shoff + index * shentsize;
    return {
      type: u32(at + 4),
      offset: word(at + (is64 ? 24 : 16)),
      size: word(at + (is64 ? 32 : 20)),
      link: u32(at + (is64 ? 40 : 24)),
      entsize: word(at + (is64 ? 56 : 36)),
    };
  };
  for (let index = 0; index < shnum; index += 1) {
    const dynsym = section(index);
    if (dynsym.type !== SHT_DYNSYM || dynsym.link >= shnum) continue;
    const strings = section(dynsym.link);
    const stringsEnd = Math.min(strings.offset + strings.size, view.byteLength);
    const entsize = dynsym.entsize || (is64 ? 24 : 16);
    const count = Math.min(Math.floor(dynsym.size / entsize), MAX_SYMBOLS);
    const names: string[] = [];
    for (let n = 1; n < count; n += 1) {
      const at = dynsym.offset + n * entsize;
      if (at + entsize > view.byteLength) break;
      const info = view.getUint8(at + (is64 ? 4 : 12));
      const other = view.getUint8(at + (is64 ? 5 : 13));
      const shndx = u16(at + (is64 ? 6 : 14));
      const type = info & 0xf;
      const bind = info >> 4;
      if (shndx === 0 || (other & 3) === STV_HIDDEN) continue;
      if ((type !== STT_FUNC && type !== STT_OBJECT) || (bind !== STB_GLOBAL && bind !== STB_WEAK))
        continue;
      const name = cString(view, strings.offset + u32(at), stringsEnd);
      if (name !== undefined) names.push(name);
    }
    return names;
  }
  return [];
}
