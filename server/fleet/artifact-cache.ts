import { lstat, mkdir, readdir, readFile, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { ObjectStore } from '@nats-io/obj';
import { type Backend, sha256Hex } from '../../runtime/index.js';
import { ensurePrivateDir, writePrivateFile } from '../fs/private-files.js';
import { artifactFile, readNoFollow, replaceArtifact } from '../rollout/artifact-archive.js';
import type { BuildRef } from './fleet-record.js';
import { withJetStreamRetry } from './jetstream-retry.js';

const SHA256 = /^[0-9a-f]{64}$/;

/** Why a build named in the store was not deployed on this node. */
export interface RefusedBuild {
  readonly name: string;
  readonly backend: Backend;
  readonly sha256: string;
  readonly reason: string;
}

/** Loads a checked build into this node's registry (staged, validated, self-tested). */
export type LoadBuild = (build: {
  name: string;
  backend: Backend;
  bytes: Uint8Array;
  sha256: string;
}) => Promise<void>;

/**
 * This node's copy of the fleet's builds: objects fetched by sha256 into a private cache folder
 * (0700), each checked against its name before anything uses it, loaded at once through the
 * registry (as an upload is), then written into the local plugins folder, where the folder
 * watcher finds the same build (and a restart finds it).
 */
export class ArtifactCache {
  readonly #dir: string;
  readonly #plugins: string;
  readonly #objects: () => ObjectStore | undefined;
  /** Downloads in flight (a prefetch, a deploy), by sha256: one per object at a time. */
  readonly #downloads = new Map<
    string,
    { readonly bytes: Promise<Uint8Array | null>; readonly abandon: () => void }
  >();

  constructor(dir: string, plugins: string, objects: () => ObjectStore | undefined) {
    this.#dir = dir;
    this.#plugins = plugins;
    this.#objects = objects;
  }

  /** Deploys the build unless the folder holds it; a refused build is returned, not thrown. */
  async deploy(
    name: string,
    backend: Backend,
    ref: BuildRef,
    load: LoadBuild,
  ): Promise<RefusedBuild | undefined> {
    const { sha256 } = ref;
    const file = artifactFile(name, backend);
    const local = await readNoFollow(join(this.#plugins, name, file)).catch(() => undefined);
    if (local !== undefined && sha256Hex(local) === sha256) return undefined;
    const fetched = await this.#fetch(sha256);
    if (fetched === undefined)
      return { name, backend, sha256, reason: 'no such object in the store' };
    const { bytes, downloaded } = fetched;
    const actual = sha256Hex(bytes);
    if (actual !== sha256)
      return { name, backend, sha256, reason: `object bytes hash to ${actual}` };
    try {
      await load({ name, backend, bytes, sha256 });
    } finally {
      await mkdir(join(this.#plugins, name), { recursive: true, mode: 0o755 });
      // Cached only once checked: a tampered object is fetched (and refused) again, never trusted.
      await Promise.all([
        replaceArtifact(this.#plugins, name, file, bytes),
        downloaded ? this.keep(sha256, bytes) : undefined,
      ]);
    }
    return undefined;
  }

  /** Stores bytes under their sha256 in the cache (the upload's own copy, no download). */
  async keep(sha256: string, bytes: Uint8Array): Promise<void> {
    await ensurePrivateDir(this.#dir);
    await writePrivateFile(join(this.#dir, sha256), bytes).catch(() => {});
  }

  /** The cached bytes of an object, once checked against its name; undefined when not cached. */
  async read(sha256: string): Promise<Uint8Array | undefined> {
    if (!SHA256.test(sha256)) return undefined;
    const cached = await readFile(join(this.#dir, sha256)).catch(() => undefined);
    return cached !== undefined && sha256Hex(cached) === sha256 ? cached : undefined;
  }

  /** Starts downloading an object a key may soon name; kept in the cache once checked. */
  prefetch(sha256: string): void {
    if (!SHA256.test(sha256) || this.#downloads.has(sha256)) return;
    void (async () => {
      const cached = await readFile(join(this.#dir, sha256)).catch(() => undefined);
      if (cached !== undefined && sha256Hex(cached) === sha256) return;
      const bytes = await this.#download(sha256);
      if (bytes !== null && sha256Hex(bytes) === sha256) await this.keep(sha256, bytes);
    })().catch(() => {});
  }

  /** One download per object at a time: a deploy joins the prefetch already running. */
  #download(sha256: string): Promise<Uint8Array | null> {
    const running = this.#downloads.get(sha256);
    if (running !== undefined) return running.bytes;
    const objects = this.#objects();
    if (objects === undefined) return Promise.resolve(null);
    let abandon: () => void = () => {};
    const abandoned = new Promise<never>((_, reject) => {
      abandon = () => reject(new AbandonedDownload(sha256));
    });
    const bytes = Promise.race([withJetStreamRetry(() => objects.getBlob(sha256)), abandoned]);
    const download = { bytes, abandon };
    this.#downloads.set(sha256, download);
    const forget = () => {
      if (this.#downloads.get(sha256) === download) this.#downloads.delete(sha256);
    };
    bytes.then(forget, forget);
    return bytes;
  }

  /**
   * The object was deleted (a collection): a download of it running now may wait forever for
   * chunks that were purged; it fails, and a deploy that joined it downloads again (the object
   * may have been put back). The cached copy goes too: a collection deletes only builds no key
   * names, and should one come back, it is downloaded again.
   */
  forget(sha256: string): void {
    this.#downloads.get(sha256)?.abandon();
    if (SHA256.test(sha256)) void unlink(join(this.#dir, sha256)).catch(() => {});
  }

  /**
   * Removes the cached copies of objects the store no longer holds (`present`: those it listed,
   * from `listedAt` on): deleted while this node was not following it. A copy written since
   * `listedAt` is of an object that landed after the listing began, and stays. Returns how many
   * went.
   */
  async sweep(present: ReadonlySet<string>, listedAt: number): Promise<number> {
    const names = await readdir(this.#dir).catch(() => [] as string[]);
    const candidates = names.filter((name) => SHA256.test(name) && !present.has(name));
    const removed = await Promise.all(
      candidates.map(async (name) => {
        const file = join(this.#dir, name);
        const written = await lstat(file).catch(() => undefined);
        if (written === undefined || written.mtimeMs >= listedAt) return false;
        return unlink(file).then(
          () => true,
          () => false,
        );
      }),
    );
    return removed.filter(Boolean).length;
  }

  async #fetch(sha256: string): Promise<{ bytes: Uint8Array; downloaded: boolean } | undefined> {
    const running = this.#downloads.get(sha256);
    const cached =
      running === undefined
        ? await readFile(join(this.#dir, sha256)).catch(() => undefined)
        : undefined;
    if (cached !== undefined && sha256Hex(cached) === sha256)
      return { bytes: cached, downloaded: false };
    for (let attempt = 1; ; attempt += 1) {
      try {
        const bytes = await this.#download(sha256);
        return bytes === null ? undefined : { bytes, downloaded: true };
      } catch (error) {
        if (!(error instanceof AbandonedDownload) || attempt === 3) throw error;
      }
    }
  }
}

class AbandonedDownload extends Error {
  constructor(sha256: string) {
    super(`object ${sha256} was deleted while it downloaded`);
  }
}
