// A native plugin's memory as the host API touches it (GuestMemory over raw addresses). Each
// koffi helper costs about as much as a whole raw callback (decode/encode ~60 ns, an external
// koffi.view ~1 µs), so the ranges a plugin passes again and again (its name strings, a stack
// variable for out_len, a static output buffer) keep one view each, and the rest is copied with
// one memcpy.
import { endianness } from 'node:os';
import koffi from 'koffi';
import type { GuestMemory, GuestPointer } from '../../host/host-glue.js';
import { copyFrom, loadLibc } from './libc.js';

const EMPTY = new Uint8Array(0);
const LITTLE_ENDIAN = endianness() === 'LE';

/** Views kept per plugin, and recent ranges seen once (a range gets a view when seen twice). */
const VIEWS = 8;
const CANDIDATES = 8;
/**
 * Longer ranges get a view, which reads nothing until used: the host checks a length against its
 * limits before it reads the bytes, and a plugin may pass any length (a 4 GiB name is INVALID,
 * not a 4 GiB copy). Past a few KiB the copy costs what a view does anyway.
 */
const COPY_LIMIT = 4096;

const isNull = (pointer: GuestPointer) => pointer === null || pointer === 0n || pointer === 0;

/**
 * Reusing a view is safe: a view holds an address, not the memory, and it is only read or
 * written when the plugin passes that very range again, which is the plugin asserting it is
 * valid now, as for any pointer it passes.
 */
class ViewCache {
  readonly #pointers: GuestPointer[] = [];
  readonly #lengths: number[] = [];
  readonly #views: Uint8Array[] = [];
  /** The same memory as each view, for the host-function table's word compares. */
  readonly #words: DataView[] = [];
  readonly #seenPointers: GuestPointer[] = new Array(CANDIDATES).fill(null);
  readonly #seenLengths: number[] = new Array(CANDIDATES).fill(-1);
  #nextSeen = 0;

  /** The view of [pointer, pointer + length), or undefined the first time the range is seen. */
  find(pointer: GuestPointer, length: number): Uint8Array | undefined {
    const pointers = this.#pointers;
    for (let index = 0; index < pointers.length; index += 1) {
      if (pointers[index] === pointer && this.#lengths[index] === length) return this.#views[index];
    }
    const seen = this.#seenPointers;
    for (let index = 0; index < CANDIDATES; index += 1) {
      if (seen[index] === pointer && this.#seenLengths[index] === length) {
        seen[index] = null;
        return this.#keep(pointer, length);
      }
    }
    seen[this.#nextSeen] = pointer;
    this.#seenLengths[this.#nextSeen] = length;
    this.#nextSeen = (this.#nextSeen + 1) % CANDIDATES;
    return undefined;
  }

  /** Newest first; past VIEWS the oldest view is dropped. */
  #keep(pointer: GuestPointer, length: number): Uint8Array {
    const view = new Uint8Array(koffi.view(pointer, length));
    this.#pointers.unshift(pointer);
    this.#lengths.unshift(length);
    this.#views.unshift(view);
    this.#words.unshift(new DataView(view.buffer));
    if (this.#views.length > VIEWS) {
      this.#pointers.pop();
      this.#lengths.pop();
      this.#views.pop();
      this.#words.pop();
    }
    return view;
  }

  /** The DataView kept beside `view`, if it is one of the kept views. */
  wordsOf(view: Uint8Array): DataView | undefined {
    const views = this.#views;
    for (let index = 0; index < views.length; index += 1)
      if (views[index] === view) return this.#words[index];
    return undefined;
  }
}

/**
 * The memory of one native plugin: only NULL can be checked, the plugin owns the rest. Reads
 * answer a view or a fresh copy; the host glue copies what it keeps.
 */
export class NativeMemory implements GuestMemory {
  readonly #cache = new ViewCache();
  readonly #libc = loadLibc();
  readonly #word = new Uint8Array(4);

  read(pointer: GuestPointer, length: number): Uint8Array | undefined {
    if (length === 0) return EMPTY;
    if (isNull(pointer)) return undefined;
    const view = this.#cache.find(pointer, length);
    if (view !== undefined) return view;
    if (this.#libc === null || length > COPY_LIMIT)
      return new Uint8Array(koffi.view(pointer, length));
    return copyFrom(this.#libc, pointer, length);
  }

  /** `bytes` (from {@link read}) as a DataView: kept beside a kept view, made for a copy. */
  words(bytes: Uint8Array): DataView {
    return this.#cache.wordsOf(bytes) ?? new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  }

  writable(pointer: GuestPointer, length: number): Uint8Array | undefined {
    if (length === 0) return EMPTY;
    if (isNull(pointer)) return undefined;
    return this.#cache.find(pointer, length) ?? new Uint8Array(koffi.view(pointer, length));
  }

  fits(pointer: GuestPointer, length: number): boolean {
    return length === 0 || !isNull(pointer);
  }

  write(pointer: GuestPointer, bytes: Uint8Array): void {
    if (bytes.length === 0) return;
    const view = this.#cache.find(pointer, bytes.length);
    if (view !== undefined) view.set(bytes);
    else this.#copyOut(pointer, bytes);
  }

  #copyOut(pointer: GuestPointer, bytes: Uint8Array): void {
    if (this.#libc !== null) this.#libc.memcpy(pointer, bytes, bytes.length);
    else new Uint8Array(koffi.view(pointer, bytes.length)).set(bytes);
  }

  writeU32(pointer: GuestPointer, value: number): boolean {
    if (isNull(pointer)) return false;
    const view = this.#cache.find(pointer, 4);
    const word = view ?? this.#word;
    if (LITTLE_ENDIAN) {
      word[0] = value;
      word[1] = value >>> 8;
      word[2] = value >>> 16;
      word[3] = value >>> 24;
    } else {
      word[3] = value;
      word[2] = value >>> 8;
      word[1] = value >>> 16;
      word[0] = value >>> 24;
    }
    if (view === undefined) this.#copyOut(pointer, word);
    return true;
  }
}
