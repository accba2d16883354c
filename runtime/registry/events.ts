import type { PluginError } from '../errors.js';
import type { Isolation } from '../options.js';
import type { Backend } from '../plugin.js';

/**
 * A version's life: `loading` (artifact read, being loaded) → `validating` (loaded beside the
 * active version, checks and self-test running) → `active` (serving new calls) → `draining`
 * (replaced; calls already running finish) → `standby` (drained, kept loaded for an instant
 * rollback) → `closed`. A candidate that fails any step ends `failed` and never served.
 */
export type VersionState =
  | 'loading'
  | 'validating'
  | 'active'
  | 'draining'
  | 'standby'
  | 'closed'
  | 'failed';

/** Which build of a plugin a version is, and where it is in its life. */
export interface VersionSnapshot {
  /** Unique within the registry: tells two loads of the same artifact apart. */
  readonly id: number;
  readonly name: string;
  readonly path: string;
  /** Lower-case hex sha256 of the artifact's bytes. */
  readonly sha256: string;
  /** PluginInfo's semantic version; undefined until loaded. */
  readonly version: string | undefined;
  readonly backend: Backend | undefined;
  /** Where it runs: this thread, a worker, or a child process; undefined until loaded. */
  readonly isolation: Isolation | undefined;
  /** The DLL's VERSIONINFO FileVersion (Windows PE artifacts on Windows), else undefined. */
  readonly fileVersion: string | undefined;
  readonly state: VersionState;
  /** Calls holding a lease on this version right now. */
  readonly inFlight: number;
  /** False while an active version is unloaded for idleness (the next call loads it again). */
  readonly resident: boolean;
}

/**
 * The identity of the version that served a call (one frozen object per version), and where it
 * runs: a server passes a call an AbortSignal only when it may wait (not in-process).
 */
export type ServedVersion = Pick<
  VersionSnapshot,
  'id' | 'sha256' | 'version' | 'backend' | 'isolation'
>;

/**
 * How a routed call ended, with the version it ran on, so that callers count outcomes against
 * the version that really served (undefined when no version could be chosen).
 */
export type ServedCall =
  | { readonly version: ServedVersion; readonly output: Uint8Array; readonly error?: undefined }
  | {
      readonly version: ServedVersion | undefined;
      readonly output?: undefined;
      readonly error: unknown;
    };

/** Why a version was closed. */
export type CloseReason = 'replaced' | 'retention-expired' | 'removed' | 'registry-closed';

/** The step of a candidate's path that failed. */
export type FailedStage = 'read' | 'load' | 'validate' | 'self-test' | 'resume';

interface EventBase {
  /** The plugin's registered name. */
  readonly name: string;
  /** Date.now() when the event was emitted. */
  readonly time: number;
}

/** Everything a registry reports; `type` tells them apart. */
export type RegistryEvent =
  | (EventBase & { type: 'loaded'; version: VersionSnapshot; durationMs: number })
  | (EventBase & {
      type: 'activated';
      version: VersionSnapshot;
      previous: VersionSnapshot | undefined;
    })
  | (EventBase & { type: 'draining'; version: VersionSnapshot; inFlight: number })
  | (EventBase & { type: 'standby'; version: VersionSnapshot; retainedMs: number })
  | (EventBase & {
      type: 'closed';
      version: VersionSnapshot;
      reason: CloseReason;
      /** Calls still running at the drain timeout, rejected with PLUGIN_DRAIN_TIMEOUT. */
      abandoned: number;
    })
  | (EventBase & {
      type: 'failed';
      path: string;
      stage: FailedStage;
      error: PluginError;
      /** The candidate, when it got far enough to have one. */
      version: VersionSnapshot | undefined;
    })
  | (EventBase & {
      type: 'skipped';
      path: string;
      /** Why the artifact was not tried (a native library for another platform). */
      reason: string;
      error: PluginError;
    })
  | (EventBase & {
      type: 'fallback';
      /** The preferred artifact that could not serve. */
      preferred: string;
      reason: PluginError;
      version: VersionSnapshot;
    })
  | (EventBase & { type: 'rolled-back'; from: VersionSnapshot; to: VersionSnapshot })
  | (EventBase & {
      type: 'unloaded';
      version: VersionSnapshot;
      idleMs: number;
      /** `idle`: unused for idleUnloadMs; `budget`: unloaded to stay under memoryBudget. */
      reason: 'idle' | 'budget';
      /** What it held when unloaded. */
      memoryBytes: number;
    })
  | (EventBase & { type: 'resumed'; version: VersionSnapshot; durationMs: number })
  | (EventBase & { type: 'removed' });

export type RegistryEventType = RegistryEvent['type'];

/** Distributes an event type over the union, so each member keeps its own fields. */
type WithoutBase<E> = E extends EventBase ? Omit<E, 'name' | 'time'> : never;

/** What a slot hands the registry to emit; the registry adds `name` and `time`. */
export type SlotEvent = WithoutBase<RegistryEvent>;
