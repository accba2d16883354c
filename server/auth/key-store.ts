import type { SecretVerifier } from './authenticator.js';
import { type KeyRecord, secretKeyId, secretMatches } from './key-record.js';
import { readKeysFile } from './keys-file.js';
import type { Principal } from './principal.js';

/** Verified secrets remembered so that scrypt runs once per key and process. */
const MAX_CACHED = 10_000;

/**
 * The API keys this process knows, read from the keys file; `reload` replaces them all at once
 * (after a change here or, with workers, when the primary says the file changed). A secret is
 * verified with scrypt once, then recognised by a map lookup (the process holds secrets it has
 * seen, as it holds the admin token; a sha256 per request cost more than the 5% the key check
 * may take, see docs/benchmarks.md); the map gives key ids only, checked against the current
 * records, so a revoked key stops working the moment the records are replaced.
 */
export class KeyStore implements SecretVerifier {
  readonly path: string;
  #records = new Map<string, KeyRecord>();
  #principals = new Map<string, Principal>();
  readonly #verified = new Map<string, string>();

  constructor(path: string) {
    this.path = path;
  }

  async reload(): Promise<void> {
    this.replace(await readKeysFile(this.path));
  }

  replace(records: readonly KeyRecord[]): void {
    this.#records = new Map(records.map((record) => [record.id, record]));
    this.#principals = new Map(
      records
        .filter((record) => record.revoked === undefined)
        .map(({ id, role, scope, rps, burst }) => [id, { id, role, scope, rps, burst }]),
    );
  }

  get hasKeys(): boolean {
    return this.#principals.size > 0;
  }

  list(): KeyRecord[] {
    return [...this.#records.values()];
  }

  get(id: string): KeyRecord | undefined {
    return this.#records.get(id);
  }

  verify(secret: string): Principal | undefined | Promise<Principal | undefined> {
    const seen = this.#verified.get(secret);
    if (seen !== undefined) return this.#principals.get(seen);
    const id = secretKeyId(secret);
    if (id === undefined || !this.#principals.has(id)) return undefined;
    return this.#verifySlow(secret, id);
  }

  async #verifySlow(secret: string, id: string) {
    const record = this.#records.get(id);
    if (record === undefined || !(await secretMatches(secret, record))) return undefined;
    if (this.#verified.size >= MAX_CACHED) this.#verified.clear();
    this.#verified.set(secret, id);
    // Revoked while scrypt ran: the current records decide.
    return this.#principals.get(id);
  }
}
