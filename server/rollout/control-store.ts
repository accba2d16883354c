import type { Backend, PluginInfo } from '../../runtime/index.js';
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

/** A canary's progress as the fleet decided it (fleet mode): the weight it takes, or promoted. */
export interface StoredCanary {
  readonly sha256: string;
  readonly weight: number;
  readonly promoted?: boolean;
}

/** What every process serving a plugin shares about its rollout. */
export interface StoredRollout {
  readonly traffic?: Traffic;
  readonly command?: RolloutCommand;
  readonly withdrawn?: readonly WithdrawnBuild[];
  readonly canary?: StoredCanary;
}

/** Calls and faults of a canary build over the canary window. */
export interface CanaryTotals {
  readonly calls: number;
  readonly faults: number;
}

/**
 * How the processes sharing a store judge a canary on their summed traffic (fleet mode): each
 * publishes its own window's totals and reads the others'. The verdict is then written once,
 * by a compare-and-set on the plugin's record, before any process acts on it.
 */
export interface CanaryExchange {
  publish(name: string, sha256: string, totals: CanaryTotals): void;
  /** The latest totals every other process published for this build, summed. */
  elsewhere(name: string, sha256: string): CanaryTotals;
  /** This process's canary of the plugin ended: its totals no longer count anywhere. */
  retire(name: string): void;
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
  /**
   * Changes one plugin's record atomically; `change` returns undefined to delete it. `basedOn`:
   * the store revision the admin read (If-Match): a store with revisions refuses the change with
   * ROLLOUT_CONFLICT when the record moved since; the folder store has none and ignores it.
   */
  update(
    name: string,
    change: (current: StoredRollout | undefined) => StoredRollout | undefined,
    basedOn?: number,
  ): Promise<void>;
  /** Refuses (typed) when the plugin's build of `backend` cannot be replaced safely. */
  checkReplaceable(name: string, backend: Backend): Promise<void>;
  /** Makes `bytes` the plugin's build of `backend`, keeping the build it replaces for rollbacks. */
  putArtifact(
    name: string,
    backend: Backend,
    bytes: Uint8Array,
    about?: { readonly version: string | undefined; readonly info?: PluginInfo },
  ): Promise<void>;
  /**
   * Starts storing an upload's bytes while the upload is checked (fleet: the Object Store, so
   * the put overlaps validation); `putArtifact` waits for it, `discard` undoes it when the
   * upload is refused. Stores without a slow put leave it out.
   */
  beginArtifact?(name: string, backend: Backend, bytes: Uint8Array): { discard(): Promise<void> };
  /** Puts a kept build back as the plugin's build of `backend`; false when it was never kept. */
  restoreArtifact(name: string, backend: Backend, sha256: string): Promise<boolean>;
  /** Deletes the plugin's builds, archive and record. */
  removePlugin(name: string): Promise<void>;
  /** Set when canaries are judged on the counts of every process sharing the store. */
  readonly canaries?: CanaryExchange;
  close(): void;
}
