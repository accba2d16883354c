// The DLL names a PE file imports, read from its import and delay-import directories: what the
// Windows loader will look for when it loads the file (docs/windows.md, DLL search path).

const IMPORT_DIRECTORY = 1;
const DELAY_IMPORT_DIRECTORY = 13;
const IMPORT_DESCRIPTOR_BYTES = 20;
const DELAY_DESCRIPTOR_BYTES = 32;
/** Bit 0 of a delay descriptor's attributes: its addresses are RVAs (else old-style VAs). */
const DELAY_RVA_BASED = 1;
const MAX_NAME_BYTES = 260;
const MAX_DESCRIPTORS = 4096;

export interface PeView {
  readonly view: DataView;
  readonly imageBase: bigint;
  readonly directories: number;
  readonly directoryTable: number;
  readonly sections: readonly { va: number; size: number; raw: number; rawSize: number }[];
}

export function parseHeaders(view: DataView): PeView {
  const pe = view.getUint32(0x3c, true);
  const sectionCount = view.getUint16(pe + 6, true);
  const optionalSize = view.getUint16(pe + 20, true);
  const optional = pe + 24;
  const plus = view.getUint16(optional, true) === 0x20b;
  const imageBase = plus
    ? view.getBigUint64(optional + 24, true)
    : BigInt(view.getUint32(optional + 28, true));
  const sectionTable = optional + optionalSize;
  const sections = Array.from({ length: sectionCount }, (_, index) => {
    const entry = sectionTable + index * 40;
    return {
      size: view.getUint32(entry + 8, true),
      va: view.getUint32(entry + 12, true),
      rawSize: view.getUint32(entry + 16, true),
      raw: view.getUint32(entry + 20, true),
    };
  });
  return {
    view,
    imageBase,
    directories: view.getUint32(optional + (plus ? 108 : 92), true),
    directoryTable: optional + (plus ? 112 : 96),
    sections,
  };
}

/** The file offset of an RVA, or undefined when no section's file data holds it. */
export function offsetOf(pe: PeView, rva: number): number | undefined {
  for (const section of pe.sections) {
    const extent = Math.max(section.size, section.rawSize);
    if (rva >= section.va && rva < section.va + extent) {
      const offset = rva - section.va;
      return offset < section.rawSize ? section.raw + offset : undefined;
    }
  }
  return undefined;
}

export function directory(pe: PeView, index: number): { rva: number; size: number } | undefined {
  if (index >= pe.directories) return undefined;
  const entry = pe.directoryTable + index * 8;
  const rva = pe.view.getUint32(entry, true);
  return rva === 0 ? undefined : { rva, size: pe.view.getUint32(entry + 4, true) };
}

export function readName(pe: PeView, rva: number): string | undefined {
  const start = offsetOf(pe, rva);
  if (start === undefined) return undefined;
  let name = '';
  for (let at = start; at < pe.view.byteLength && at < start + MAX_NAME_BYTES; at += 1) {
    const byte = pe.view.getUint8(at);
    if (byte === 0) return name.length > 0 ? name : undefined;
    name += String.fromCharCode(byte);
  }
  return undefined;
}

/** Walks a table of fixed-size descriptors up to its all-zero terminator. */
function walkDescriptors(
  pe: PeView,
  index: number,
  bytes: number,
  nameOf: (at: number) => string | undefined,
): string[] {
  const dir = directory(pe, index);
  const start = dir === undefined ? undefined : offsetOf(pe, dir.rva);
  if (start === undefined) return [];
  const names: string[] = [];
  for (let n = 0; n < MAX_DESCRIPTORS; n += 1) {
    const at = start + n * bytes;
    if (at + bytes > pe.view.byteLength) break;
    let zero = true;
    for (let i = 0; i < bytes; i += 4) zero &&= pe.view.getUint32(at + i, true) === 0;
    if (zero) break;
    const name = nameOf(at);
    if (name !== undefined) names.push(name);
  }
  return names;
}

/**
 * The DLL names a PE image imports (load-time imports, then delay-loaded ones), each once, in
 * the case the file spells them. A malformed table yields what could be read: the loader has
 * the last word on a file that is broken.
 *
 * @example
 * readPeImports(readFileSync('uses-helper.dll')) // ['KERNEL32.dll', 'msvcrt.dll', 'helper.dll']
 */
export function readPeImports(bytes: Uint8Array): string[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let pe: PeView;
  try {
    pe = parseHeaders(view);
  } catch {
    return [];
  }
  const names: string[] = [];
  try {
    names.push(
      ...walkDescriptors(pe, IMPORT_DIRECTORY, IMPORT_DESCRIPTOR_BYTES, (at) =>
        readName(pe, view.getUint32(at + 12, true)),
      ),
    );
    names.push(
      ...walkDescriptors(pe, DELAY_IMPORT_DIRECTORY, DELAY_DESCRIPTOR_BYTES, (at) => {
        const address = view.getUint32(at + 4, true);
        const rvaBased = (view.getUint32(at, true) & DELAY_RVA_BASED) !== 0;
        return readName(pe, rvaBased ? address : Number(BigInt(address) - pe.imageBase));
      }),
    );
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
  }
  const seen = new Set<string>();
  return names.filter((name) => {
    const key = name.toLowerCase();
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
