/**
 * A call_host output that did not fit the plugin's buffer, kept for the immediate retry with the
 * same name and input (the ABI's two-call protocol): the host function is not run twice. Any
 * other host call in between drops it.
 */
export class KeptAnswer {
  #name: Uint8Array | undefined;
  #input: Uint8Array | undefined;
  #data: Uint8Array | undefined;

  keep(
    names: Uint8Array,
    nameAt: number,
    nameLength: number,
    inputs: Uint8Array,
    inputAt: number,
    inputLength: number,
    data: Uint8Array,
  ): void {
    this.#name = names.slice(nameAt, nameAt + nameLength);
    this.#input = inputs.slice(inputAt, inputAt + inputLength);
    this.#data = data;
  }

  /** Whether an output is kept: a retry is possible. */
  get holds(): boolean {
    return this.#data !== undefined;
  }

  drop(): void {
    this.#data = undefined;
    this.#name = undefined;
    this.#input = undefined;
  }

  /** The kept output when this call repeats the one that kept it; dropped either way. */
  take(
    names: Uint8Array,
    nameAt: number,
    nameLength: number,
    inputs: Uint8Array,
    inputAt: number,
    inputLength: number,
  ): Uint8Array | undefined {
    const data = this.#data;
    if (data === undefined) return undefined;
    const same =
      sameBytes(this.#name!, names, nameAt, nameLength) &&
      sameBytes(this.#input!, inputs, inputAt, inputLength);
    this.drop();
    return same ? data : undefined;
  }
}

/** Whether `bytes[at, at + length)` equals `kept`: compared in place, without a view. */
export function sameBytes(
  kept: Uint8Array,
  bytes: Uint8Array,
  at: number,
  length: number,
): boolean {
  if (kept.length !== length) return false;
  for (let index = 0; index < length; index += 1)
    if (kept[index] !== bytes[at + index]) return false;
  return true;
}
