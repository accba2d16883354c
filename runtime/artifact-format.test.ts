import { describe, expect, it } from 'vitest';
import { platformMismatch, readArtifactHeader } from './artifact-format.js';

function peDll(machine = 0x8664, characteristics = 0x2022): Uint8Array {
  const bytes = new Uint8Array(0x100);
  const view = new DataView(bytes.buffer);
  bytes.set([0x4d, 0x5a]);
  view.setUint32(0x3c, 0x80, true);
  view.setUint32(0x80, 0x50450000, false);
  view.setUint16(0x84, machine, true);
  view.setUint16(0x80 + 22, characteristics, true);
  return bytes;
}

function elf(type = 3, machine = 0x3e): Uint8Array {
  const bytes = new Uint8Array(64);
  bytes.set([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1]);
  new DataView(bytes.buffer).setUint16(16, type, true);
  new DataView(bytes.buffer).setUint16(18, machine, true);
  return bytes;
}

function machO(fileType = 6, cpu = 0x0100000c): Uint8Array {
  const bytes = new Uint8Array(32);
  const view = new DataView(bytes.buffer);
  view.setUint32(0, 0xfeedfacf, true);
  view.setUint32(4, cpu, true);
  view.setUint32(12, fileType, true);
  return bytes;
}

const WASM = new Uint8Array([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]);

describe('readArtifactHeader', () => {
  it('recognises each format and its CPU', () => {
    expect(readArtifactHeader(WASM)).toMatchObject({ format: 'wasm', backend: 'wasm' });
    expect(readArtifactHeader(peDll())).toMatchObject({
      format: 'pe',
      backend: 'native',
      arch: 'x64',
      platform: 'win32',
    });
    expect(readArtifactHeader(peDll(0x14c))).toMatchObject({ arch: 'ia32' });
    expect(readArtifactHeader(elf())).toMatchObject({
      format: 'elf',
      arch: 'x64',
      platform: 'elf',
    });
    expect(readArtifactHeader(machO())).toMatchObject({
      format: 'macho',
      arch: 'arm64',
      platform: 'darwin',
    });
  });

  it.each([
    ['empty', new Uint8Array(0)],
    ['garbage', new TextEncoder().encode('definitely not a plugin')],
    ['truncated wasm', WASM.subarray(0, 6)],
    ['wasm version 2', new Uint8Array([0, 0x61, 0x73, 0x6d, 2, 0, 0, 0])],
    ['truncated DOS header', peDll().subarray(0, 0x30)],
    ['PE offset past the end', peDll().subarray(0, 0x90)],
    ['PE executable, not a DLL', peDll(0x8664, 0x0022)],
    ['truncated ELF', elf().subarray(0, 12)],
    ['ELF executable', elf(2)],
    ['Mach-O executable', machO(2)],
    ['Java class file', new Uint8Array([0xca, 0xfe, 0xba, 0xbe, 0, 0, 0, 52])],
  ])('refuses %s with PLUGIN_FORMAT_INVALID', (_label, bytes) => {
    expect(() => readArtifactHeader(bytes)).toThrow(
      expect.objectContaining({ code: 'PLUGIN_FORMAT_INVALID' }),
    );
  });
});

describe('platformMismatch', () => {
  it('lets Wasm run anywhere', () => {
    expect(platformMismatch(readArtifactHeader(WASM))).toBeUndefined();
  });

  it('names the other OS for a foreign native format', () => {
    const foreign = process.platform === 'win32' ? elf() : peDll();
    expect(platformMismatch(readArtifactHeader(foreign))).toMatch(/built for/);
  });

  it('names the other CPU for a native library of this OS', () => {
    if (process.platform !== 'linux') return;
    expect(
      platformMismatch(readArtifactHeader(elf(3, process.arch === 'arm64' ? 0x3e : 0xb7))),
    ).toMatch(/built for/);
    expect(
      platformMismatch(readArtifactHeader(elf(3, process.arch === 'arm64' ? 0xb7 : 0x3e))),
    ).toBeUndefined();
  });
});
