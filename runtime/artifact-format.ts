import { PluginError } from './errors.js';
import type { Backend } from './plugin.js';

export type ArtifactFormat = 'wasm' | 'pe' | 'elf' | 'macho';

/** What the first bytes of an artifact say about it. */
export interface ArtifactHeader {
  readonly format: ArtifactFormat;
  readonly backend: Backend;
  /** Node-style CPU name (x64, ia32, arm64...), or undefined for Wasm and universal Mach-O. */
  readonly arch: string | undefined;
  /** The operating system family the native format belongs to. */
  readonly platform: 'win32' | 'darwin' | 'elf' | undefined;
}

const PE_MACHINES: Record<number, string> = { 332: 'ia32', 34404: 'x64', 43620: 'arm64' };
const ELF_MACHINES: Record<number, string> = {
  3: 'ia32',
  40: 'arm',
  62: 'x64',
  183: 'arm64',
  243: 'riscv64',
};
const MACHO_CPUS: Record<number, string> = { 7: 'ia32', 16777223: 'x64', 16777228: 'arm64' };

const ELF_TYPE_SHARED = 3;
const PE_CHARACTERISTIC_DLL = 0x2000;
const MACHO_DYLIB = 6;
const MACHO_BUNDLE = 8;

function invalid(message: string): PluginError {
  return new PluginError('PLUGIN_FORMAT_INVALID', message);
}

function startsWith(bytes: Uint8Array, magic: readonly number[]): boolean {
  return bytes.length >= magic.length && magic.every((byte, index) => bytes[index] === byte);
}

/**
 * Detects the artifact's format from its magic bytes and checks the header far enough to
 * know it is a loadable library (a DLL, not an EXE; a shared object, not an executable).
 * Throws PLUGIN_FORMAT_INVALID for anything else, including truncated headers.
 */
export function readArtifactHeader(bytes: Uint8Array): ArtifactHeader {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (startsWith(bytes, [0x00, 0x61, 0x73, 0x6d])) return readWasmHeader(view);
  if (startsWith(bytes, [0x4d, 0x5a])) return readPeHeader(view);
  if (startsWith(bytes, [0x7f, 0x45, 0x4c, 0x46])) return readElfHeader(view);
  if (bytes.length >= 4) {
    const magic = view.getUint32(0, false);
    if (magic === 0xcffaedfe || magic === 0xcefaedfe) return readMachOHeader(view);
    if (magic === 0xcafebabe) return readFatMachOHeader(view);
  }
  throw invalid(
    'not a plugin artifact: expected a Wasm module, a PE DLL, an ELF or a Mach-O library',
  );
}

function readWasmHeader(view: DataView): ArtifactHeader {
  if (view.byteLength < 8) throw invalid('truncated Wasm header');
  const version = view.getUint32(4, true);
  if (version !== 1) throw invalid(`unsupported Wasm binary version ${version}`);
  return { format: 'wasm', backend: 'wasm', arch: undefined, platform: undefined };
}

function readPeHeader(view: DataView): ArtifactHeader {
  if (view.byteLength < 0x40) throw invalid('truncated DOS header');
  const peOffset = view.getUint32(0x3c, true);
  if (peOffset + 24 > view.byteLength)
    throw invalid('PE header offset points past the end of the file');
  if (view.getUint32(peOffset, false) !== 0x50450000) throw invalid('missing PE signature');
  const machine = view.getUint16(peOffset + 4, true);
  const characteristics = view.getUint16(peOffset + 22, true);
  if ((characteristics & PE_CHARACTERISTIC_DLL) === 0) throw invalid('PE file is not a DLL');
  return {
    format: 'pe',
    backend: 'native',
    arch: PE_MACHINES[machine] ?? `pe-machine-0x${machine.toString(16)}`,
    platform: 'win32',
  };
}

function readElfHeader(view: DataView): ArtifactHeader {
  if (view.byteLength < 20) throw invalid('truncated ELF header');
  const elfClass = view.getUint8(4);
  const encoding = view.getUint8(5);
  if (elfClass !== 1 && elfClass !== 2) throw invalid(`invalid ELF class ${elfClass}`);
  if (encoding !== 1 && encoding !== 2) throw invalid(`invalid ELF data encoding ${encoding}`);
  const littleEndian = encoding === 1;
  const type = view.getUint16(16, littleEndian);
  if (type !== ELF_TYPE_SHARED) throw invalid(`ELF file is not a shared object (e_type ${type})`);
  const machine = view.getUint16(18, littleEndian);
  return {
    format: 'elf',
    backend: 'native',
    arch: ELF_MACHINES[machine] ?? `elf-machine-0x${machine.toString(16)}`,
    platform: 'elf',
  };
}

function readMachOHeader(view: DataView): ArtifactHeader {
  if (view.byteLength < 28) throw invalid('truncated Mach-O header');
  const cpu = view.getUint32(4, true);
  const fileType = view.getUint32(12, true);
  if (fileType !== MACHO_DYLIB && fileType !== MACHO_BUNDLE)
    throw invalid(`Mach-O file is not a library (filetype ${fileType})`);
  return {
    format: 'macho',
    backend: 'native',
    arch: MACHO_CPUS[cpu] ?? `macho-cpu-0x${cpu.toString(16)}`,
    platform: 'darwin',
  };
}

function readFatMachOHeader(view: DataView): ArtifactHeader {
  if (view.byteLength < 8) throw invalid('truncated universal Mach-O header');
  const count = view.getUint32(4, false);
  // Java class files share the 0xcafebabe magic; their "count" is a version number in the 40s.
  if (count === 0 || count > 16) throw invalid('not a universal Mach-O library');
  return { format: 'macho', backend: 'native', arch: undefined, platform: 'darwin' };
}

const HOST_FAMILY: 'win32' | 'darwin' | 'elf' =
  process.platform === 'win32' ? 'win32' : process.platform === 'darwin' ? 'darwin' : 'elf';

/**
 * Why this host cannot load a native artifact (another OS family or CPU), or undefined when it can.
 * Wasm artifacts run everywhere.
 */
export function platformMismatch(header: ArtifactHeader): string | undefined {
  if (header.backend === 'wasm') return undefined;
  if (header.platform !== HOST_FAMILY) {
    return `${header.format.toUpperCase()} library built for ${header.platform}, this host is ${process.platform}`;
  }
  if (header.arch !== undefined && header.arch !== process.arch) {
    return `library built for ${header.arch}, this host is ${process.arch}`;
  }
  return undefined;
}
