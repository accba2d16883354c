import { TP_STATUS, type TpStatus } from './api.js';

/** Bytes keys, bytes values, one store per plugin, bounded in total bytes (keys and values). */
export class KvStore {
  // Keys are bytes: latin1 maps each byte to one char and back, so any key is a Map key as it is.
  readonly #entries = new Map<string, Uint8Array>();
  readonly #maxBytes: number;
  #bytes = 0;

  constructor(maxBytes: number) {
    this.#maxBytes = maxBytes;
  }

  get bytes(): number {
    return this.#bytes;
  }

  get keys(): number {
    return this.#entries.size;
  }

  get(key: Uint8Array): Uint8Array | undefined {
    return this.#entries.get(keyString(key));
  }

  /** Stores a copy of `value`; QUOTA when the store would grow past its limit. */
  set(key: Uint8Array, value: Uint8Array): TpStatus {
    const name = keyString(key);
    const old = this.#entries.get(name);
    const next =
      this.#bytes - (old === undefined ? 0 : key.length + old.length) + key.length + value.length;
    if (next > this.#maxBytes) return TP_STATUS.QUOTA;
    this.#entries.set(name, value.slice());
    this.#bytes = next;
    return TP_STATUS.OK;
  }

  delete(key: Uint8Array): TpStatus {
    const name = keyString(key);
    const old = this.#entries.get(name);
    if (old === undefined) return TP_STATUS.NOT_FOUND;
    this.#entries.delete(name);
    this.#bytes -= key.length + old.length;
    return TP_STATUS.OK;
  }
}

function keyString(key: Uint8Array): string {
  return Buffer.from(key.buffer, key.byteOffset, key.length).toString('latin1');
}
