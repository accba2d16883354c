// Two C library functions the native backend calls through koffi on plugin memory. koffi's own
// helpers cost more: an external koffi.view ~1 µs, and koffi.decode or koffi.encode with a
// length leaks ~19 bytes a call in koffi 3.3.4 (each makes an array type whose name it keeps).
import koffi from 'koffi';

export interface Libc {
  memcpy(dst: unknown, src: unknown, length: number): unknown;
  strlen(text: unknown): number | bigint;
}

let libc: Libc | null | undefined;

/** The C library Node runs on, or null where it cannot be found (callers then use koffi.view). */
export function loadLibc(): Libc | null {
  if (libc !== undefined) return libc;
  try {
    // dlopen(NULL) sees the libc Node links; Windows has msvcrt.dll everywhere (Wine too).
    const library = koffi.load(process.platform === 'win32' ? 'msvcrt.dll' : null);
    libc = {
      memcpy: library.func('void *memcpy(void *dst, const void *src, size_t length)'),
      strlen: library.func('size_t strlen(const void *text)'),
    } as Libc;
  } catch {
    libc = null;
  }
  return libc;
}

/** A copy of `length` bytes at `pointer`, as a plain Uint8Array (a Buffer's slice() would not copy). */
export function copyFrom(c: Libc, pointer: unknown, length: number): Uint8Array {
  const pooled = Buffer.allocUnsafe(length);
  c.memcpy(pooled, pointer, length);
  return new Uint8Array(pooled.buffer, pooled.byteOffset, length);
}
