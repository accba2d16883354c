import { type Backend, type PluginInfo, sha256Hex } from '../../runtime/index.js';
import type { Logger } from '../observability/logger.js';
import type { ArtifactCache } from './artifact-cache.js';
import type { FleetConnection } from './fleet-connection.js';
import { withJetStreamRetry } from './jetstream-retry.js';
import { deleteObjectAt } from './object-delete.js';
import { touchObject } from './object-meta.js';

/** The object's metadata, its bytes when this node has them, and how to write its key again. */
export type ConfirmArgs = [
  metadata: Record<string, string>,
  bytes: Uint8Array | undefined,
  repoint: () => Promise<void>,
];

/** What an object says about the build it holds: plugin, backend, version and its PluginInfo. */
export function objectMetadata(
  plugin: string,
  backend: Backend,
  version: string | undefined,
  info: PluginInfo | undefined,
): Record<string, string> {
  const metadata: Record<string, string> = { plugin, backend };
  if (version !== undefined) metadata.version = version;
  if (info !== undefined) {
    const { name, abi, description } = info;
    const about = { name, version: info.version, abi, description: description.slice(0, 1024) };
    metadata.pluginInfo = JSON.stringify(about);
  }
  return metadata;
}

/**
 * Uploads' builds into the fleet's Object Store, named by sha256 (and kept in this node's
 * cache): a put may start while its upload is still checked, then is finished (its metadata
 * completed) or discarded. Owns the puts in flight.
 */
export class ArtifactObjects {
  readonly #connection: () => FleetConnection | undefined;
  readonly #cache: ArtifactCache;
  readonly #log: Logger;
  /** Object puts started while their upload is checked, by sha256: the revision this put made. */
  readonly #puts = new Map<string, Promise<number | undefined>>();

  constructor(connection: () => FleetConnection | undefined, cache: ArtifactCache, log: Logger) {
    this.#connection = connection;
    this.#cache = cache;
    this.#log = log;
  }

  /**
   * Makes the object present with a new meta message, the time the object collection's grace
   * counts from: a touch when the store has it, else a put. The put's revision when this put it.
   */
  async #ensure(sha256: string, metadata: Record<string, string>, bytes: Uint8Array) {
    const objects = this.#connection()!.objects;
    if (await this.touch(sha256, metadata)) return undefined;
    const put = await withJetStreamRetry(() => objects.putBlob({ name: sha256, metadata }, bytes));
    return put.revision;
  }

  /** See {@link touchObject}. */
  touch(sha256: string, metadata: Record<string, string> = {}): Promise<boolean> {
    return touchObject(this.#connection()!, sha256, metadata);
  }

  /**
   * After a key names the object, it is touched: a collection that read it before the key
   * write landed then fails its compare-and-set. When a collection deleted it first, it is put
   * back from `bytes` and the key written again (`repoint`), so nodes that found it missing
   * deploy it; then touched again, as that key write may race a collection in turn.
   */
  async confirmNamed(name: string, sha256: string, ...[metadata, bytes, repoint]: ConfirmArgs) {
    for (let round = 0; round < 3; round += 1) {
      if (await this.touch(sha256)) return;
      if (bytes === undefined) break;
      this.#log.warn(
        { plugin: name, sha256 },
        'fleet store: the build named was collected; put back',
      );
      const objects = this.#connection()!.objects;
      await withJetStreamRetry(() => objects.putBlob({ name: sha256, metadata }, bytes));
      await repoint();
    }
    this.#log.error(
      { plugin: name, sha256 },
      'fleet store: the build named kept being collected, or this node has no copy to put back',
    );
  }

  /** Starts the put while the upload is checked; `discard` undoes it when the upload is refused. */
  begin(name: string, backend: Backend, bytes: Uint8Array) {
    const sha256 = sha256Hex(bytes);
    const put = this.#ensure(sha256, { plugin: name, backend }, bytes);
    put.catch(() => {}); // putArtifact reports it
    this.#puts.set(sha256, put);
    void this.#cache.keep(sha256, bytes);
    return {
      discard: async () => {
        if (this.#puts.get(sha256) === put) this.#puts.delete(sha256);
        // A refused upload leaves no object behind, unless another upload had put it or
        // touched it since (a compare-and-set on the revision this put made).
        const revision = await put.catch(() => undefined);
        const connection = this.#connection();
        if (revision !== undefined && connection !== undefined)
          await deleteObjectAt(connection, sha256, revision).catch(() => {});
      },
    };
  }

  /**
   * Stores the checked build's object, right before the key names it: the put begun for it,
   * then a new meta message with what the upload's check learnt (its version), so the object
   * collection's grace counts from now, not from the start of a long check.
   */
  async put(sha256: string, metadata: Record<string, string>, bytes: Uint8Array): Promise<void> {
    const early = this.#puts.get(sha256);
    this.#puts.delete(sha256);
    if (early === undefined) void this.#cache.keep(sha256, bytes);
    else await early.catch(() => {}); // put again below
    await this.#ensure(sha256, metadata, bytes);
  }
}
