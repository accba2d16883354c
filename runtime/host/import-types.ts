// Reads each function import's signature from a module's bytes: WebAssembly.Module.imports()
// gives names and kinds only, and a JS function satisfies any signature at instantiation, so a
// wrong signature would otherwise pass unnoticed.
import { PluginError } from '../errors.js';

export interface ImportedFunction {
  readonly module: string;
  readonly name: string;
  /** 'i' i32, 'I' i64, 'f' f32, 'F' f64, 'v' v128, 'r' a reference: e.g. "ii>i". */
  readonly signature: string;
}

const TYPE_SECTION = 1;
const IMPORT_SECTION = 2;
const VALUE_TYPES: Record<number, string> = {
  127: 'i',
  126: 'I',
  125: 'f',
  124: 'F',
  123: 'v',
  112: 'r',
  111: 'r',
};

function malformed(message: string): PluginError {
  return new PluginError('PLUGIN_LOAD_FAILED', `malformed Wasm module: ${message}`);
}

class Reader {
  offset: number;
  constructor(
    readonly bytes: Uint8Array,
    offset: number,
  ) {
    this.offset = offset;
  }

  byte(): number {
    const value = this.bytes[this.offset];
    if (value === undefined) throw malformed('unexpected end');
    this.offset += 1;
    return value;
  }

  leb(): number {
    let value = 0;
    for (let shift = 0; shift < 35; shift += 7) {
      const byte = this.byte();
      value += (byte & 0x7f) * 2 ** shift;
      if ((byte & 0x80) === 0) return value;
    }
    throw malformed('bad LEB128');
  }

  name(): string {
    const length = this.leb();
    const text = new TextDecoder().decode(this.bytes.subarray(this.offset, this.offset + length));
    this.offset += length;
    return text;
  }

  valueTypes(): string {
    let types = '';
    for (let count = this.leb(); count > 0; count -= 1) types += VALUE_TYPES[this.byte()] ?? '?';
    return types;
  }

  limits(): void {
    const flags = this.byte();
    this.leb();
    if (flags & 1) this.leb();
  }
}

function readTypes(reader: Reader, end: number): string[] {
  const types: string[] = [];
  for (let count = reader.leb(); count > 0 && reader.offset < end; count -= 1) {
    if (reader.byte() !== 0x60) throw malformed('type section holds a non-function type');
    const params = reader.valueTypes();
    types.push(`${params}>${reader.valueTypes()}`);
  }
  return types;
}

function readImports(reader: Reader, types: readonly string[]): ImportedFunction[] {
  const found: ImportedFunction[] = [];
  for (let count = reader.leb(); count > 0; count -= 1) {
    const module = reader.name();
    const name = reader.name();
    const kind = reader.byte();
    if (kind === 0x00) {
      const signature = types[reader.leb()];
      if (signature === undefined) throw malformed(`import ${module}.${name} names no type`);
      found.push({ module, name, signature });
    } else if (kind === 0x01) {
      reader.byte();
      reader.limits();
    } else if (kind === 0x02) reader.limits();
    else if (kind === 0x03) reader.offset += 2;
    else if (kind === 0x04) {
      reader.byte();
      reader.leb();
    } else throw malformed(`import kind ${kind}`);
  }
  return found;
}

/** The function imports of a module with their signatures, in the order they are declared. */
export function importedFunctions(bytes: Uint8Array): ImportedFunction[] {
  const reader = new Reader(bytes, 8);
  let types: string[] = [];
  while (reader.offset < bytes.length) {
    const id = reader.byte();
    const size = reader.leb();
    const end = reader.offset + size;
    if (end > bytes.length) throw malformed(`section ${id} runs past the end`);
    if (id === TYPE_SECTION) types = readTypes(reader, end);
    else if (id === IMPORT_SECTION) return readImports(reader, types);
    reader.offset = end;
  }
  return [];
}
