import { ByteReader, malformed } from './byte-reader.js';
import type { ByteWriter } from './byte-writer.js';

export const SECTION = {
  custom: 0,
  type: 1,
  import: 2,
  function: 3,
  table: 4,
  memory: 5,
  global: 6,
  export: 7,
  start: 8,
  element: 9,
  code: 10,
  data: 11,
  dataCount: 12,
  tag: 13,
} as const;

/** Where each known section goes in a module (the tag section sits between memory and global). */
const ORDER: ReadonlyMap<number, number> = new Map([
  [1, 1],
  [2, 2],
  [3, 3],
  [4, 4],
  [5, 5],
  [13, 6],
  [6, 7],
  [7, 8],
  [8, 9],
  [9, 10],
  [12, 11],
  [10, 12],
  [11, 13],
]);

export interface Section {
  readonly id: number;
  /** The payload: a view into the module's bytes, or a rewritten one. */
  payload: Uint8Array;
}

const MAGIC_AND_VERSION = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];

/** Splits a module into its sections, checking the header, each size and the known sections' order. */
export function readSections(bytes: Uint8Array): Section[] {
  if (bytes.length < 8 || MAGIC_AND_VERSION.some((value, index) => bytes[index] !== value))
    throw malformed('not a version 1 Wasm module');
  const reader = new ByteReader(bytes, 8);
  const sections: Section[] = [];
  let lastOrder = 0;
  while (!reader.done) {
    const id = reader.byte();
    const payload = reader.vecBytes();
    if (id !== SECTION.custom) {
      const order = ORDER.get(id);
      if (order === undefined) throw malformed(`unknown section ${id}`);
      if (order <= lastOrder) throw malformed(`section ${id} out of order or repeated`);
      lastOrder = order;
    }
    sections.push({ id, payload });
  }
  return sections;
}

/** Places a new known section where the binary format's order puts it. */
export function insertSection(sections: Section[], added: Section): void {
  const order = ORDER.get(added.id)!;
  const index = sections.findIndex(
    (section) => section.id !== SECTION.custom && ORDER.get(section.id)! > order,
  );
  if (index === -1) sections.push(added);
  else sections.splice(index, 0, added);
}

export function writeModule(sections: readonly Section[], writer: ByteWriter): void {
  writer.bytes(Uint8Array.from(MAGIC_AND_VERSION));
  for (const section of sections) {
    writer.byte(section.id);
    writer.vec(section.payload);
  }
}

/** The name of a custom section. */
export function customName(payload: Uint8Array): string {
  return new TextDecoder().decode(new ByteReader(payload).vecBytes());
}
