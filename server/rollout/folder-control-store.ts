import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Backend } from '../../runtime/index.js';
import {
  artifactFile,
  assertPlainOrMissing,
  replaceArtifact,
  restoreArchived,
} from './artifact-archive.js';
import type { ControlStore, StoredRollout, StoredRollouts } from './control-store.js';
import { RoutingFile } from './routing-file.js';

/**
 * The single-machine {@link ControlStore}: the plugins folder holds the builds (and their
 * `.previous/` archive), `.twinplug-routing.json` in it the records. Every process serving the
 * folder (cluster workers, several servers) watches both.
 */
export class FolderControlStore implements ControlStore {
  readonly #root: string;
  readonly #file: RoutingFile;

  constructor(root: string) {
    this.#root = root;
    this.#file = new RoutingFile(root);
  }

  start(onChange: (records: StoredRollouts) => void): Promise<StoredRollouts> {
    return this.#file.start(onChange);
  }

  update(
    name: string,
    change: (current: StoredRollout | undefined) => StoredRollout | undefined,
  ): Promise<void> {
    return this.#file.update(name, change);
  }

  checkReplaceable(name: string, backend: Backend): Promise<void> {
    return assertPlainOrMissing(join(this.#root, name, artifactFile(name, backend)));
  }

  putArtifact(name: string, backend: Backend, bytes: Uint8Array): Promise<void> {
    return replaceArtifact(this.#root, name, artifactFile(name, backend), bytes);
  }

  restoreArtifact(name: string, backend: Backend, sha256: string): Promise<boolean> {
    return restoreArchived(this.#root, name, artifactFile(name, backend), sha256);
  }

  async removePlugin(name: string): Promise<void> {
    await rm(join(this.#root, name), { recursive: true, force: true });
    await this.#file.update(name, () => undefined);
  }

  close(): void {
    this.#file.close();
  }
}
