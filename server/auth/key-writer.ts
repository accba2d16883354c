import { ServerError } from '../errors/server-error.js';
import {
  hashSecret,
  type KeyRecord,
  type KeyView,
  keyView,
  newKeyId,
  newSecret,
} from './key-record.js';
import { readKeysFile, writeKeysFile } from './keys-file.js';

/** What `POST /v1/admin/keys` and `twinplug keys create` ask for. */
export type KeyRequest = Pick<KeyRecord, 'role' | 'scope' | 'label' | 'rps' | 'burst'>;

/** A created key: the secret, shown this once and never stored. */
export interface CreatedKey {
  readonly key: KeyView;
  readonly secret: string;
}

/** Changes the keys file. One writer per file: the server process, or the primary of `--workers`. */
export interface KeyWriter {
  create(request: KeyRequest): Promise<CreatedKey>;
  revoke(id: string): Promise<KeyView>;
}

function defined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

/**
 * Read-modify-write of the keys file, one change at a time (a promise chain), then `changed`
 * (which reloads every process's {@link KeyStore}) before the caller gets its answer.
 */
export class FileKeyWriter implements KeyWriter {
  readonly #path: string;
  readonly #changed: () => Promise<void>;
  #queue: Promise<unknown> = Promise.resolve();

  constructor(path: string, changed: () => Promise<void>) {
    this.#path = path;
    this.#changed = changed;
  }

  #serial<T>(work: () => Promise<T>): Promise<T> {
    const result = this.#queue.then(work);
    this.#queue = result.catch(() => {});
    return result;
  }

  create(request: KeyRequest): Promise<CreatedKey> {
    return this.#serial(async () => {
      const keys = await readKeysFile(this.#path);
      const id = newKeyId();
      const secret = newSecret(id);
      const record: KeyRecord = defined({
        id,
        ...request,
        created: Date.now(),
        ...(await hashSecret(secret)),
      });
      await writeKeysFile(this.#path, [...keys, record]);
      await this.#changed();
      return { key: keyView(record), secret };
    });
  }

  revoke(id: string): Promise<KeyView> {
    return this.#serial(async () => {
      const keys = await readKeysFile(this.#path);
      const found = keys.find((record) => record.id === id);
      if (found === undefined) throw new ServerError('KEY_NOT_FOUND', `no key ${id}`, { id });
      if (found.revoked !== undefined) return keyView(found);
      const revoked = { ...found, revoked: Date.now() };
      await writeKeysFile(
        this.#path,
        keys.map((record) => (record.id === id ? revoked : record)),
      );
      await this.#changed();
      return keyView(revoked);
    });
  }
}
