import { type Backend, type PluginInfo, sha256Hex } from '../../runtime/index.js';
import type { ArtifactCache } from './artifact-cache.js';
import type { FleetConnection } from './fleet-connection.js';
import { withJetStreamRetry } from './jetstream-retry.js';

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
  /** Object puts started while their upload is checked, by sha256: true when this put made it. */
  readonly #puts = new Map<string, Promise<boolean>>();

  constructor(connection: () => FleetConnection | undefined, cache: ArtifactCache) {
    this.#connection = connection;
    this.#cache = cache;
  }

  /** Puts the object (named by its sha256) unless the store has it; true when this put made it. */
  async #putObject(sha256: string, metadata: Record<string, string>, bytes: Uint8Array) {
    const objects = this.#connection()!.objects;
    const have = await withJetStreamRetry(() => objects.info(sha256));
    if (have !== null && !have.deleted) return false;
    await withJetStreamRetry(() => objects.putBlob({ name: sha256, metadata }, bytes));
    return true;
  }

  /** Starts the put while the upload is checked; `discard` undoes it when the upload is refused. */
  begin(name: string, backend: Backend, bytes: Uint8Array) {
    const sha256 = sha256Hex(bytes);
    const put = this.#putObject(sha256, { plugin: name, backend }, bytes);
    put.catch(() => {}); // putArtifact reports it
    this.#puts.set(sha256, put);
    void this.#cache.keep(sha256, bytes);
    return {
      discard: async () => {
        if (this.#puts.get(sha256) === put) this.#puts.delete(sha256);
        // A refused upload leaves no object behind (unless another upload had put it).
        if (await put.catch(() => false))
          await this.#connection()
            ?.objects.delete(sha256)
            .catch(() => {});
      },
    };
  }

  /** Stores the checked build's object: the put begun for it, or a put now. */
  async put(sha256: string, metadata: Record<string, string>, bytes: Uint8Array): Promise<void> {
    const objects = this.#connection()!.objects;
    const early = this.#puts.get(sha256);
    this.#puts.delete(sha256);
    if (early === undefined) {
      void this.#cache.keep(sha256, bytes);
      await this.#putObject(sha256, metadata, bytes);
    } else {
      await early;
      // What the upload's check learnt (its version) goes into the object's metadata.
      await withJetStreamRetry(() => objects.update(sha256, { name: sha256, metadata }));
    }
  }
}
