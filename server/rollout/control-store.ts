import type { Backend } from '../../runtime/index.js';
import type { Traffic } from '../routing/traffic.js';

/** A build taken out of service: pinned requests get 410 until it is activated again. */
export interface WithdrawnBuild {
  readonly sha256: string;
  readonly version: string | undefined;
  readonly backend: Backend | undefined;
  readonly reason: string;
}

/** A one-shot order every process carries out once: serve the build with this sha256. */
export interface RolloutCommand {
  /** Grows by one with each command of a plugin: a process applies each one once. */
  readonly seq: number;
  readonly type: 'rollback' | 'activate';
  readonly sha256: string;
  /** The build moved away from. */
  readonly from: string;
  readonly trigger: 'automatic' | 'manual';
  readonly reason: string;
}

/** What every process serving a plugin shares about its rollout. */
export interface StoredRollout {
  readonly traffic?: Traffic;
  readonly command?: RolloutCommand;
  readonly withdrawn?: readonly WithdrawnBuild[];
}

export type StoredRollouts = ReadonlyMap<string, StoredRollout>;

/**
 * Where a plugin's rollout is kept for every process that serves it: its record (traffic,
 * withdrawn builds, the last command) and its builds. Small on purpose: `update` is one
 * read-change-write of one plugin's record, which a store with revisions (a key-value bucket)
 * does as a compare-and-set loop, calling `change` again on a conflict. Implemented by
 * {@link FolderControlStore}; the `Rollout` of each plugin is its only writer.
 */
export interface ControlStore {
  /** Reads every record, then reports the records whenever another process changes them. */
  start(onChange: (records: StoredRollouts) => void): Promise<StoredRollouts>;
  /** Changes one plugin's record atomically; `change` returns undefined to delete it. */
  update(
    name: string,
    change: (current: StoredRollout | undefined) => StoredRollout | undefined,
  ): Promise<void>;
  /** Refuses (typed) when the plugin's build of `backend` cannot be replaced safely. */
  checkReplaceable(name: string, backend: Backend): Promise<void>;
  /** Makes `bytes` the plugin's build of `backend`, keeping the build it replaces for rollbacks. */
  putArtifact(name: string, backend: Backend, bytes: Uint8Array): Promise<void>;
  /** Puts a kept build back as the plugin's build of `backend`; false when it was never kept. */
  restoreArtifact(name: string, backend: Backend, sha256: string): Promise<boolean>;
  /** Deletes the plugin's builds, archive and record. */
  removePlugin(name: string): Promise<void>;
  close(): void;
}
