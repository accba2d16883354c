import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readArtifactManifest, requireArtifact } from '../../scripts/artifacts.js';
import { peImage } from '../backends/native/test-support/pe-image.js';
import { artifact, isSkipped, toolchainTitle } from '../test-support/artifacts.js';
import { describeNativeFile, readNativeExports } from './index.js';
import { suggestAdapter } from './suggest-adapter.js';

/** A thin 64-bit Mach-O with an LC_SYMTAB: one exported, one undefined, one local symbol. */
function machO(): Uint8Array {
  const bytes = new Uint8Array(256);
  const view = new DataView(bytes.buffer);
  view.setUint32(0, 0xfeedfacf, true);
  view.setUint32(4, 0x01000007, true); // x86_64
  view.setUint32(12, 6, true); // MH_DYLIB
  view.setUint32(16, 1, true); // one load command
  const symtab = 32;
  view.setUint32(symtab, 0x2, true);
  view.setUint32(symtab + 4, 24, true);
  view.setUint32(symtab + 8, 64, true); // symoff
  view.setUint32(symtab + 12, 3, true); // nsyms
  view.setUint32(symtab + 16, 128, true); // stroff
  view.setUint32(symtab + 20, 64, true);
  const strings = '\0_CreateModule\0_malloc\0_helper\0';
  bytes.set(new TextEncoder().encode(strings), 128);
  const symbol = (index: number, strx: number, type: number) => {
    view.setUint32(64 + index * 16, strx, true);
    view.setUint8(64 + index * 16 + 4, type);
  };
  symbol(0, 1, 0x0f); // N_SECT | N_EXT: exported
  symbol(1, 15, 0x01); // N_UNDF | N_EXT: an import
  symbol(2, 23, 0x0e); // N_SECT, not external
  return bytes;
}

describe('the exports of a native library, read from the file', () => {
  it.skipIf(isSkipped('cc'))(`ELF .dynsym: defined symbols only (${toolchainTitle('cc')})`, () => {
    const bytes = readFileSync(artifact('legacy-rot13', 'cc', 'fixture'));
    expect(readNativeExports(bytes)).toEqual([
      'Rot13Info',
      'Rot13Init',
      'Rot13Shutdown',
      'Transform',
      'TransformOverrun',
    ]);
    expect(readNativeExports(readFileSync(artifact('upper', 'cc')))).toEqual([
      'PluginInfo',
      'ProcessData',
    ]);
  });

  it('PE export table', () => {
    const bytes = peImage({
      imports: ['KERNEL32.dll'],
      exports: ['CreateModule', 'DestroyModule'],
    });
    expect(describeNativeFile(bytes)).toEqual({
      format: 'pe',
      arch: 'x64',
      symbols: ['CreateModule', 'DestroyModule'],
    });
  });

  const cross = readArtifactManifestIfBuilt('build/win32-x64');
  it.skipIf(cross === undefined)(
    'PE export table of the MinGW-built DLL (build:plugins --target=win32-x64)',
    () => {
      const dll = requireArtifact(cross!, 'legacy-shout', 'cxx', 'fixture');
      expect(readNativeExports(readFileSync(dll))).toContain('CreateModule');
    },
  );

  it('Mach-O symbol table: external defined symbols, without the underscore', () => {
    expect(readNativeExports(machO())).toEqual(['CreateModule']);
  });

  it('a truncated or corrupt table yields what could be read, never a read past the end', () => {
    const pe = peImage({ exports: ['CreateModule'] });
    for (const cut of [0x60, 0x150, 0x390, pe.length - 1]) {
      expect(() => readNativeExports(pe.subarray(0, cut))).not.toThrow(RangeError);
    }
    const broken = new Uint8Array(pe);
    new DataView(broken.buffer).setUint32(0x200 + 0x180 + 24, 0xffffffff, true);
    expect(() => readNativeExports(broken)).not.toThrow();
    const macho = machO();
    new DataView(macho.buffer).setUint32(32 + 12, 0x7fffffff, true);
    expect(readNativeExports(macho)).toEqual(['CreateModule']);
  });
});

describe('suggestAdapter', () => {
  it('an IModule factory, with its destroy function', () => {
    expect(suggestAdapter(['CreateModule', 'DestroyModule', 'Other'])?.adapter).toMatchObject({
      kind: 'imodule',
      factory: 'CreateModule',
      destroy: 'DestroyModule',
    });
  });

  it('a length-pointer function in a vendor header, with __stdcall behind a macro', () => {
    const header = readFileSync('plugins-dll/legacy/rot13.h', 'utf8');
    const exports = ['Rot13Info', 'Rot13Init', 'Rot13Shutdown', 'Transform'];
    expect(suggestAdapter(exports, header)?.adapter).toEqual({
      kind: 'functions',
      convention: 'buffer-length-pointer',
      process: 'int __stdcall Transform(const char *in, int len, char *out, int *outLen)',
      init: 'int __stdcall Rot13Init(const char *config)',
      cleanup: 'void __stdcall Rot13Shutdown(void)',
      info: 'const char* __stdcall Rot13Info(void)',
    });
  });

  it('nothing without a factory or a header', () => {
    expect(suggestAdapter(['Greet', 'GreetFree'])).toBeUndefined();
  });
});

function readArtifactManifestIfBuilt(dir: string) {
  return existsSync(`${dir}/artifacts.json`) ? readArtifactManifest(undefined, dir) : undefined;
}
