/** Collects output bytes: raw ranges of the input are kept as views, not copied, until the end. */
export class ByteWriter {
  readonly #chunks: Uint8Array[] = [];
  #pending: number[] = [];
  #length = 0;

  get length(): number {
    return this.#length + this.#pending.length;
  }

  byte(value: number): void {
    this.#pending.push(value);
  }

  u32(value: number): void {
    let rest = value >>> 0;
    do {
      let byte = rest & 0x7f;
      rest >>>= 7;
      if (rest !== 0) byte |= 0x80;
      this.#pending.push(byte);
    } while (rest !== 0);
  }

  bytes(view: Uint8Array): void {
    if (view.length === 0) return;
    this.#flush();
    this.#chunks.push(view);
    this.#length += view.length;
  }

  /** A u32 length prefix, then the bytes. */
  vec(view: Uint8Array): void {
    this.u32(view.length);
    this.bytes(view);
  }

  finish(): Uint8Array {
    this.#flush();
    if (this.#chunks.length === 1) return this.#chunks[0]!;
    const out = new Uint8Array(this.#length);
    let offset = 0;
    for (const chunk of this.#chunks) {
      out.set(chunk, offset);
      offset += chunk.length;
    }
    return out;
  }

  #flush(): void {
    if (this.#pending.length === 0) return;
    this.#chunks.push(Uint8Array.from(this.#pending));
    this.#length += this.#pending.length;
    this.#pending = [];
  }
}
