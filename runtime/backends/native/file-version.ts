import koffi from 'koffi';

type KoffiFunction = ReturnType<ReturnType<typeof koffi.load>['func']>;

/** VS_FIXEDFILEINFO (verrsrc.h): thirteen DWORDs. */
const VS_FIXEDFILEINFO = koffi.struct({
  dwSignature: 'uint32_t',
  dwStrucVersion: 'uint32_t',
  dwFileVersionMS: 'uint32_t',
  dwFileVersionLS: 'uint32_t',
  dwProductVersionMS: 'uint32_t',
  dwProductVersionLS: 'uint32_t',
  dwFileFlagsMask: 'uint32_t',
  dwFileFlags: 'uint32_t',
  dwFileOS: 'uint32_t',
  dwFileType: 'uint32_t',
  dwFileSubtype: 'uint32_t',
  dwFileDateMS: 'uint32_t',
  dwFileDateLS: 'uint32_t',
});

const FIXED_FILE_INFO_SIGNATURE = 0xfeef04bd;

interface VersionApi {
  readonly GetFileVersionInfoSizeW: KoffiFunction;
  readonly GetFileVersionInfoW: KoffiFunction;
  readonly VerQueryValueW: KoffiFunction;
}

const bound = new Map<string, VersionApi>();

/** Binds the three version.dll functions (WINAPI is __stdcall; koffi ignores it off x86). */
function versionApi(libraryPath: string): VersionApi {
  let api = bound.get(libraryPath);
  if (api === undefined) {
    const library = koffi.load(libraryPath);
    api = {
      GetFileVersionInfoSizeW: library.func(
        'uint32_t __stdcall GetFileVersionInfoSizeW(const char16_t *lptstrFilename, _Out_ uint32_t *lpdwHandle)',
      ),
      GetFileVersionInfoW: library.func(
        'int __stdcall GetFileVersionInfoW(const char16_t *lptstrFilename, uint32_t dwHandle, uint32_t dwLen, void *lpData)',
      ),
      VerQueryValueW: library.func(
        'int __stdcall VerQueryValueW(const void *pBlock, const char16_t *lpSubBlock, _Out_ void **lplpBuffer, _Out_ uint32_t *puLen)',
      ),
    };
    bound.set(libraryPath, api);
  }
  return api;
}

function formatVersion(ms: number, ls: number): string {
  return `${ms >>> 16}.${ms & 0xffff}.${ls >>> 16}.${ls & 0xffff}`;
}

/** Reads the root block ("\\") of a version resource already copied into `block`. */
function queryFixedFileInfo(api: VersionApi, block: unknown): string | undefined {
  const buffer: [unknown] = [null];
  const length: [number] = [0];
  if (!api.VerQueryValueW(block, '\\', buffer, length)) return undefined;
  const pointer = buffer[0];
  if (pointer === null || pointer === undefined || pointer === 0n) return undefined;
  if (length[0] < koffi.sizeof(VS_FIXEDFILEINFO)) return undefined;
  const info = koffi.decode(pointer, VS_FIXEDFILEINFO) as Record<string, number>;
  if (info.dwSignature !== FIXED_FILE_INFO_SIGNATURE) return undefined;
  return formatVersion(info.dwFileVersionMS!, info.dwFileVersionLS!);
}

/**
 * The FileVersion of a PE file's VERSIONINFO resource ("1.2.3.4", from VS_FIXEDFILEINFO's
 * dwFileVersionMS/LS), read with GetFileVersionInfoSizeW, GetFileVersionInfoW and
 * VerQueryValueW. Undefined when the file has no version resource or cannot be read.
 * `libraryPath` exists for tests, which stand a fake version library in for version.dll.
 */
export function readPeFileVersion(path: string, libraryPath = 'version.dll'): string | undefined {
  const api = versionApi(libraryPath);
  const size = api.GetFileVersionInfoSizeW(path, [0]) as number;
  if (size === 0) return undefined;
  // VerQueryValueW hands back a pointer into the block, used after the call: the block must
  // not move between calls, so it is native memory rather than a (transient) JS buffer.
  const block: unknown = koffi.alloc('uint8_t', size);
  try {
    if (!api.GetFileVersionInfoW(path, 0, size, block)) return undefined;
    return queryFixedFileInfo(api, block);
  } finally {
    koffi.free(block);
  }
}
