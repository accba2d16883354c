// The application's host functions as one plugin may call them through call_host. A plugin may
// call one in a tight loop and names it on every call: decoding the name to a string and looking
// it up cost more than the rest of a host call, so each granted name is encoded once at load and
// a call's name is compared with it where the plugin left it, four bytes at a time (a DataView
// read of a word costs what one Uint8Array element does: a 4-byte loop was 4 ns of a 20 ns call).
import { AsyncLocalStorage } from 'node:async_hooks';
import { TP_STATUS } from './api.js';

/** A function the embedding application offers plugins, called by name through `call_host`. */
export type HostFunction = (input: Uint8Array) => Uint8Array | Promise<Uint8Array>;

/** A call_host's answer: the output on TP_OK, else the status. */
export type CallHostAnswer = Uint8Array | number;

/** A granted name, and the application's function, if it registered one. */
interface HostTarget {
  readonly name: string;
  /** The name's bytes as little-endian words (see {@link nameWords}). */
  readonly words: Int32Array;
  /** The first of them, the name's last 4 bytes: most names differ there or in their length. */
  readonly last: number;
  readonly length: number;
  readonly fn: HostFunction | undefined;
}

/** A granted name with a registered function: what a call runs. */
type Callable = HostTarget & { readonly fn: HostFunction };

export interface HostFunctionsOptions {
  /** Checked names (ASCII, 1 to 128 bytes, grants.ts): their bytes are exact. */
  readonly granted: readonly string[];
  readonly registered: ReadonlyMap<string, HostFunction>;
  readonly maxInputBytes: number;
  readonly maxOutputBytes: number;
  /** Where a failed host function is reported (the plugin's log, `source: 'host'`). */
  readonly report: (message: string) => void;
}

/** A copy the host function may keep: set() into a fresh array (slice() of shared memory is slow). */
function copyOf(input: Uint8Array): Uint8Array {
  if (input.length === 0) return NO_BYTES;
  const copy = new Uint8Array(input.length);
  copy.set(input);
  return copy;
}

const bufferViews = new WeakMap<ArrayBufferLike, DataView>();

/**
 * A DataView of the whole buffer under `bytes` (read them at `bytes.byteOffset`): what
 * {@link HostFunctions.call} reads a name from. One per buffer, kept: a new DataView costs about
 * 0.2 µs, as much as serving a worker's host call.
 */
export function wordsOf(bytes: Uint8Array): DataView {
  let view = bufferViews.get(bytes.buffer);
  if (view === undefined) {
    view = new DataView(bytes.buffer);
    bufferViews.set(bytes.buffer, view);
  }
  return view;
}

/** Host-function names are at most this long (grants.ts checks the granted ones). */
export const MAX_NAME_BYTES = 128;

/** Handed to a host function for an empty input: a zero-length array cannot be changed. */
const NO_BYTES = new Uint8Array(0);
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** The host-function calls running in this async context, by owner: re-entry is refused. */
const inHostCall = new AsyncLocalStorage<ReadonlySet<HostFunctions>>();

export class HostFunctions {
  readonly #targets: readonly HostTarget[];
  readonly #maxInputBytes: number;
  readonly #maxOutputBytes: number;
  readonly #report: (message: string) => void;
  /** The last one called (of 4 bytes or more): a plugin usually calls the same one again. */
  #last: Callable | undefined;
  /** Host functions running synchronously right now (their sync part). */
  #running = 0;
  errors = 0;

  constructor(options: HostFunctionsOptions) {
    const utf8 = new TextEncoder();
    this.#maxInputBytes = options.maxInputBytes;
    this.#maxOutputBytes = options.maxOutputBytes;
    this.#report = options.report;
    this.#targets = options.granted.map((name) => {
      const bytes = utf8.encode(name);
      const fn = options.registered.get(name);
      const words = nameWords(bytes);
      return { name, words, last: words[0]!, length: bytes.length, fn };
    });
  }

  get size(): number {
    return this.#targets.length;
  }

  /** True inside one of these functions: a call into their plugin now is re-entry. */
  get running(): boolean {
    return this.#running > 0 || (inHostCall.getStore()?.has(this) ?? false);
  }

  // The in-process path below is what a host call costs: V8 inlines it into the Wasm import
  // only while it stays small, so everything unusual is in functions of its own.

  /**
   * Calls the function named by the bytes `[nameAt, nameAt + nameLength)` of `names` on a copy
   * of `inputs[inputAt, inputAt + inputLength)`, synchronously (in-process: a promise is refused).
   */
  call(
    names: DataView,
    nameAt: number,
    nameLength: number,
    inputs: Uint8Array,
    inputAt: number,
    inputLength: number,
  ): CallHostAnswer {
    let target = this.#last;
    if (
      target === undefined ||
      target.length !== nameLength ||
      names.getInt32(nameAt + nameLength - 4, true) !== target.last ||
      (target.words.length > 1 && !sameName(target, names, nameAt, nameLength))
    ) {
      const found = this.#find(names, nameAt, nameLength);
      if (typeof found === 'number') return found;
      target = found;
    }
    if (inputLength > this.#maxInputBytes) return TP_STATUS.TOO_LARGE;
    let result: unknown;
    // Not try/finally: that cost a nanosecond more per call.
    this.#running += 1;
    try {
      result = target.fn(
        inputLength === 0 ? NO_BYTES : inputs.slice(inputAt, inputAt + inputLength),
      );
    } catch (error) {
      this.#running -= 1;
      return this.#failed(target, error);
    }
    this.#running -= 1;
    if (result instanceof Uint8Array && result.length <= this.#maxOutputBytes) return result;
    return this.#notOutput(target, result);
  }

  /** The same, served on the main thread for a worker or a child: the function may be async. */
  serve(name: Uint8Array, input: Uint8Array): CallHostAnswer | Promise<CallHostAnswer> {
    const target = this.#find(wordsOf(name), name.byteOffset, name.length);
    if (typeof target === 'number') return target;
    if (input.length > this.#maxInputBytes) return TP_STATUS.TOO_LARGE;
    const scope = new Set(inHostCall.getStore());
    scope.add(this);
    let result: Uint8Array | Promise<Uint8Array>;
    this.#running += 1;
    try {
      result = inHostCall.run(scope, target.fn, copyOf(input));
    } catch (error) {
      return this.#failed(target, error);
    } finally {
      this.#running -= 1;
    }
    if (!(result instanceof Promise)) return this.#output(target, result);
    return result.then(
      (value) => this.#output(target, value),
      (error) => this.#failed(target, error),
    );
  }

  /**
   * The granted function named by the bytes `[at, at + length)`, or the status for the call:
   * INVALID for a name over 128 bytes or not UTF-8, DENIED for a name not granted, NOT_FOUND
   * for a granted name the application did not register.
   */
  #find(names: DataView, at: number, length: number): Callable | number {
    const found = this.#targets.find((each) => sameName(each, names, at, length));
    if (found === undefined) return unknownName(names, at, length);
    if (found.fn === undefined) return TP_STATUS.NOT_FOUND;
    // A shorter name is not kept: the check in call() reads 4 bytes.
    if (found.length >= 4) this.#last = found as Callable;
    return found as Callable;
  }

  /** What an in-process host function returned that is not an output within the limit. */
  #notOutput(target: HostTarget, result: unknown): CallHostAnswer {
    if (result instanceof Promise) {
      result.catch(() => undefined);
      const why = 'it returned a promise in-process (async needs a worker or a process)';
      return this.#failed(target, new TypeError(why));
    }
    return this.#output(target, result);
  }

  #output(target: HostTarget, value: unknown): CallHostAnswer {
    if (!(value instanceof Uint8Array))
      return this.#failed(target, new TypeError('it returned something other than a Uint8Array'));
    if (value.length <= this.#maxOutputBytes) return value;
    this.#report(`host function "${target.name}" returned ${value.length} bytes, over the limit`);
    return TP_STATUS.TOO_LARGE;
  }

  #failed(target: HostTarget, error: unknown): number {
    this.errors += 1;
    const reason = error instanceof Error ? error.message : String(error);
    this.#report(`host function "${target.name}" failed: ${reason}`);
    return TP_STATUS.HOST_FAILED;
  }
}

/**
 * A name as little-endian words: first its last 4 bytes, then each 4 bytes from the start that
 * the last word does not cover (the last word overlaps the one before when the length is not a
 * multiple of 4). Under 4 bytes, one word, zero-padded.
 */
function nameWords(bytes: Uint8Array): Int32Array {
  const padded = new Uint8Array(Math.max(4, bytes.length));
  padded.set(bytes);
  const view = new DataView(padded.buffer);
  const words = new Int32Array(Math.ceil(padded.length / 4));
  words[0] = view.getInt32(padded.length - 4, true);
  for (let index = 1; index < words.length; index += 1)
    words[index] = view.getInt32((index - 1) * 4, true);
  return words;
}

/** Whether the bytes `[at, at + length)` of `names` are the target's name, a word at a time. */
function sameName(target: HostTarget, names: DataView, at: number, length: number): boolean {
  if (target.length !== length) return false;
  if (length < 4) return sameShortName(target.words[0]!, names, at, length);
  const words = target.words;
  if (names.getInt32(at + length - 4, true) !== words[0]) return false;
  for (let index = 1; index < words.length; index += 1)
    if (names.getInt32(at + (index - 1) * 4, true) !== words[index]) return false;
  return true;
}

function sameShortName(word: number, names: DataView, at: number, length: number): boolean {
  for (let index = 0; index < length; index += 1)
    if (names.getUint8(at + index) !== ((word >>> (8 * index)) & 0xff)) return false;
  return true;
}

/** A name matching no grant: malformed (INVALID) or only not granted (DENIED). */
function unknownName(names: DataView, at: number, length: number): number {
  if (length > MAX_NAME_BYTES) return TP_STATUS.INVALID;
  try {
    strictUtf8.decode(new Uint8Array(names.buffer, names.byteOffset + at, length));
  } catch {
    return TP_STATUS.INVALID;
  }
  return TP_STATUS.DENIED;
}
