import { directory, offsetOf, parseHeaders, readName } from '../backends/native/pe-imports.js';

const EXPORT_DIRECTORY = 0;
const MAX_EXPORTS = 65536;

/** The names in a PE image's export table, in table order (sorted by the linker). */
export function readPeExports(view: DataView): string[] {
  const pe = parseHeaders(view);
  const dir = directory(pe, EXPORT_DIRECTORY);
  const table = dir === undefined ? undefined : offsetOf(pe, dir.rva);
  if (table === undefined || table + 40 > view.byteLength) return [];
  const count = Math.min(view.getUint32(table + 24, true), MAX_EXPORTS);
  const names = offsetOf(pe, view.getUint32(table + 32, true));
  if (names === undefined) return [];
  const found: string[] = [];
  for (let index = 0; index < count; index += 1) {
    const at = names + index * 4;
    if (at + 4 > view.byteLength) break;
    const name = readName(pe, view.getUint32(at, true));
    if (name !== undefined) found.push(name);
  }
  return found;
}
