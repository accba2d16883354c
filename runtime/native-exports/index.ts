// The symbols a native library exports, read from the file itself (PE export table, ELF
// .dynsym, Mach-O symbol table) without loading it: what `twinplug inspect` shows a user who has
// a library to adapt. Every read is bounds-checked; a malformed table yields what could be read.
import { readArtifactHeader } from '../artifact-format.js';
import { PluginError } from '../errors.js';
import { readElfExports } from './elf-exports.js';
import { readMachOExports } from './macho-exports.js';
import { readPeExports } from './pe-exports.js';

const READERS = { pe: readPeExports, elf: readElfExports, macho: readMachOExports } as const;

/**
 * The exported symbol names of a native library, sorted.
 *
 * @example
 * readNativeExports(readFileSync('vendor.dll')) // ['CreateModule', 'DestroyModule']
 */
export function readNativeExports(bytes: Uint8Array): string[] {
  const header = readArtifactHeader(bytes);
  if (header.format === 'wasm')
    throw new PluginError('PLUGIN_FORMAT_INVALID', 'a Wasm module has no native exports');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let names: string[] = [];
  try {
    names = READERS[header.format](view);
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
  }
  return [...new Set(names)].sort();
}

/** What a native library file says about itself without being loaded. */
export interface NativeFileReport {
  readonly format: 'pe' | 'elf' | 'macho';
  readonly arch: string | undefined;
  readonly symbols: readonly string[];
}

/** The format, CPU and exported symbols of a native library, read from its bytes. */
export function describeNativeFile(bytes: Uint8Array): NativeFileReport {
  const header = readArtifactHeader(bytes);
  if (header.format === 'wasm')
    throw new PluginError('PLUGIN_FORMAT_INVALID', 'a Wasm module is not a native library');
  return { format: header.format, arch: header.arch, symbols: readNativeExports(bytes) };
}
