/**
 * A minimal 64-bit PE image with an import directory and a delay-import directory, enough for
 * the import reader: the real DLLs are cross-built and loaded under Wine by test:windows.
 */
export interface PeImageSpec {
  readonly imports?: readonly string[];
  readonly delayImports?: readonly string[];
  /** Names in the export table (at most 16). */
  readonly exports?: readonly string[];
}

const PE_OFFSET = 0x40;
const OPTIONAL = PE_OFFSET + 24;
const OPTIONAL_SIZE = 240; // PE32+ with 16 data directories
const SECTION_TABLE = OPTIONAL + OPTIONAL_SIZE;
const RAW = 0x200;
const VA = 0x1000;
const SECTION_BYTES = 0x400;

export function peImage({
  imports = [],
  delayImports = [],
  exports = [],
}: PeImageSpec): Uint8Array {
  const bytes = new Uint8Array(RAW + SECTION_BYTES);
  const view = new DataView(bytes.buffer);
  bytes.set([0x4d, 0x5a]);
  view.setUint32(0x3c, PE_OFFSET, true);
  view.setUint32(PE_OFFSET, 0x50450000, false);
  view.setUint16(PE_OFFSET + 4, 0x8664, true);
  view.setUint16(PE_OFFSET + 6, 1, true);
  view.setUint16(PE_OFFSET + 20, OPTIONAL_SIZE, true);
  view.setUint16(PE_OFFSET + 22, 0x2022, true);
  view.setUint16(OPTIONAL, 0x20b, true);
  view.setBigUint64(OPTIONAL + 24, 0x180000000n, true);
  view.setUint32(OPTIONAL + 108, 16, true);
  // One section holding the descriptor tables at its start and the names from 0x200 on.
  view.setUint32(SECTION_TABLE + 8, SECTION_BYTES, true);
  view.setUint32(SECTION_TABLE + 12, VA, true);
  view.setUint32(SECTION_TABLE + 16, SECTION_BYTES, true);
  view.setUint32(SECTION_TABLE + 20, RAW, true);
  let nameAt = 0x200;
  const name = (text: string): number => {
    const rva = VA + nameAt;
    bytes.set(new TextEncoder().encode(`${text}\0`), RAW + nameAt);
    nameAt += text.length + 1;
    return rva;
  };
  const importTable = 0;
  imports.forEach((dll, index) => {
    view.setUint32(RAW + importTable + index * 20 + 12, name(dll), true);
  });
  view.setUint32(OPTIONAL + 112 + 8, VA + importTable, true);
  view.setUint32(OPTIONAL + 112 + 12, (imports.length + 1) * 20, true);
  const delayTable = 0x100;
  delayImports.forEach((dll, index) => {
    view.setUint32(RAW + delayTable + index * 32, 1, true);
    view.setUint32(RAW + delayTable + index * 32 + 4, name(dll), true);
  });
  if (delayImports.length > 0) {
    view.setUint32(OPTIONAL + 112 + 13 * 8, VA + delayTable, true);
    view.setUint32(OPTIONAL + 112 + 13 * 8 + 4, (delayImports.length + 1) * 32, true);
  }
  if (exports.length > 0) {
    const exportTable = 0x180;
    const namePointers = 0x1c0;
    view.setUint32(RAW + exportTable + 24, exports.length, true);
    view.setUint32(RAW + exportTable + 32, VA + namePointers, true);
    exports.forEach((symbol, index) => {
      view.setUint32(RAW + namePointers + index * 4, name(symbol), true);
    });
    view.setUint32(OPTIONAL + 112, VA + exportTable, true);
    view.setUint32(OPTIONAL + 112 + 4, 40, true);
  }
  return bytes;
}
