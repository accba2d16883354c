// The plugin-side half of every host function, generated from HOST_API_V1: reads each argument
// out of the plugin's memory (bounds-checked), asks the host through a HostLink, and writes the
// answer back with the two-call protocol. Both backends use it over their own GuestMemory.
import {
  HOST_API_V1,
  HOST_FUNCTION_NAMES,
  type HostFunctionName,
  type HostFunctionSpec,
  TP_STATUS,
} from './api.js';
import { wordsOf } from './host-functions.js';
import { KeptAnswer } from './kept-answer.js';
import type { HostLink } from './link.js';

/** A pointer as the plugin passes it: a Wasm offset, or a native address (koffi: bigint or null). */
export type GuestPointer = number | bigint | null;

/** The plugin's memory, as the host may touch it: every access is checked. */
export interface GuestMemory {
  /** The bytes at [pointer, pointer + length) without a copy, or undefined when out of bounds. */
  read(pointer: GuestPointer, length: number): Uint8Array | undefined;
  /** A writable view of [pointer, pointer + length), or undefined when out of bounds. */
  writable(pointer: GuestPointer, length: number): Uint8Array | undefined;
  /** Stores a u32 (little-endian) at pointer; false when out of bounds. */
  writeU32(pointer: GuestPointer, value: number): boolean;
  /** Whether [pointer, pointer + length) may be written, without making a view of it. */
  fits(pointer: GuestPointer, length: number): boolean;
  /** Copies bytes to pointer (checked with fits first). */
  write(pointer: GuestPointer, bytes: Uint8Array): void;
}

export type GuestFunction = (...raw: GuestPointer[]) => number;

interface Output {
  readonly pointer: GuestPointer;
  readonly cap: number;
  readonly lenPointer: GuestPointer;
}

/** The host functions of API v1 for one plugin instance, over its memory and its link. */
export class HostGlue {
  readonly #link: HostLink;
  readonly #memory: GuestMemory;
  readonly #kept: KeptAnswer;

  /** `kept` is shared with a backend's own call_host, if it has one (wasm-call-host.ts). */
  constructor(link: HostLink, memory: GuestMemory, kept = new KeptAnswer()) {
    this.#link = link;
    this.#memory = memory;
    this.#kept = kept;
  }

  /** One function per name of HOST_API_V1, taking the flattened parameters of its spec. */
  functions(): Record<HostFunctionName, GuestFunction> {
    const table = {} as Record<HostFunctionName, GuestFunction>;
    for (const name of HOST_FUNCTION_NAMES) {
      const spec: HostFunctionSpec = HOST_API_V1[name];
      table[name] = (...raw) => this.#call(name, spec, raw);
    }
    return table;
  }

  #call(name: HostFunctionName, spec: HostFunctionSpec, raw: readonly GuestPointer[]): number {
    let index = 0;
    let int = 0;
    const args: Uint8Array[] = [];
    let output: Output | undefined;
    for (const kind of spec.params) {
      if (kind === 'i32') int = Number(raw[index++]);
      else if (kind === 'bytes') {
        const bytes = this.#memory.read(raw[index]!, Number(raw[index + 1]) >>> 0);
        if (bytes === undefined) return this.#bounds();
        args.push(bytes);
        index += 2;
      } else {
        output = {
          pointer: raw[index]!,
          cap: Number(raw[index + 1]) >>> 0,
          lenPointer: raw[index + 2]!,
        };
        index += 3;
      }
    }
    if (output === undefined) {
      this.#kept.drop();
      return this.#link.invoke(name, int, args).status;
    }
    if (
      !this.#memory.fits(output.pointer, output.cap) ||
      !this.#memory.writeU32(output.lenPointer, 0)
    )
      return this.#bounds();
    const answer = this.#answer(name, int, args);
    if (typeof answer === 'number') return answer;
    return this.#writeOutput(answer, output, name === 'call_host' ? args : undefined);
  }

  #bounds(): number {
    this.#kept.drop();
    return TP_STATUS.BOUNDS;
  }

  /** The output of a function with an output parameter, or its status. */
  #answer(name: HostFunctionName, int: number, args: Uint8Array[]): Uint8Array | number {
    if (name !== 'call_host') {
      this.#kept.drop();
      const answer = this.#link.invoke(name, int, args);
      return answer.status !== TP_STATUS.OK || answer.data === undefined
        ? answer.status
        : answer.data;
    }
    const [names, inputs] = args as [Uint8Array, Uint8Array];
    return (
      this.#kept.take(names, 0, names.length, inputs, 0, inputs.length) ??
      this.#link.callHost(wordsOf(names), names.byteOffset, names.length, inputs, 0, inputs.length)
    );
  }

  /** Writes the output with the two-call protocol; a call_host's that does not fit is kept. */
  #writeOutput(data: Uint8Array, output: Output, callHost: Uint8Array[] | undefined): number {
    this.#memory.writeU32(output.lenPointer, data.length);
    if (data.length > output.cap) {
      if (callHost !== undefined) {
        const [names, inputs] = callHost as [Uint8Array, Uint8Array];
        this.#kept.keep(names, 0, names.length, inputs, 0, inputs.length, data);
      }
      return TP_STATUS.BUFFER_TOO_SMALL;
    }
    // Checked again: the host call may have come back after a memory.grow (it only grows).
    if (this.#memory.fits(output.pointer, data.length)) this.#memory.write(output.pointer, data);
    return TP_STATUS.OK;
  }
}
