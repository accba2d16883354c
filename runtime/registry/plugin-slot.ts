import { PluginError } from '../errors.js';
import { type CandidateContext, pickCandidate } from './candidates.js';
import type { CloseReason, SlotEvent, VersionSnapshot } from './events.js';
import type { ResolvedSource } from './plugin-source.js';
import type { PluginVersion } from './plugin-version.js';
import type { ResolvedRegistryOptions } from './registry-options.js';
import { Rejections } from './rejections.js';
import { startTimer } from './timer.js';
import { findServing, noServingVersion, type VersionTarget } from './version-target.js';

/** A plugin's versions, as {@link PluginRegistry.get} reports them. */
export interface SlotSnapshot {
  readonly name: string;
  /** The version new calls go to; undefined while a lazy plugin waits for its first call. */
  readonly active: VersionSnapshot | undefined;
  /** The version `rollback` would bring back. */
  readonly previous: VersionSnapshot | undefined;
  /** Every version not yet closed or failed, candidates included, oldest first. */
  readonly versions: readonly VersionSnapshot[];
  /** Registered lazily and not loaded yet. */
  readonly lazy: boolean;
}

/** What `register` did: activated a candidate, found it already active, or deferred it (lazy). */
export interface RegisterResult {
  readonly outcome: 'activated' | 'unchanged' | 'deferred';
  /** The version serving afterwards; undefined when deferred. */
  readonly version: VersionSnapshot | undefined;
  /** True when a less preferred twin serves because the preferred artifact could not. */
  readonly fallback: boolean;
}

/**
 * One named plugin: the active version (a single reference that a swap replaces), the previous
 * one kept for rollback, and the versions draining. Registrations, rollbacks and closing run one
 * at a time through a queue; calls never wait on it while a version is active.
 */
export class PluginSlot {
  readonly name: string;
  readonly #options: ResolvedRegistryOptions;
  readonly #emit: (event: SlotEvent) => void;
  readonly #versions = new Set<PluginVersion>();
  readonly #rejections = new Rejections();
  readonly #background = new Set<Promise<void>>();
  readonly #closeReasons = new WeakMap<PluginVersion, CloseReason>();
  readonly #closing = new WeakSet<PluginVersion>();
  #active: PluginVersion | undefined;
  #previous: PluginVersion | undefined;
  #lazy: ResolvedSource | undefined;
  #idleUnloadMs: number;
  #queue: Promise<unknown> = Promise.resolve();
  #retentionTimer: NodeJS.Timeout | undefined;
  #idleTimer: NodeJS.Timeout | undefined;
  #closed = false;
  #queued = 0;

  constructor(name: string, options: ResolvedRegistryOptions, emit: (event: SlotEvent) => void) {
    this.name = name;
    this.#options = options;
    this.#emit = emit;
    this.#idleUnloadMs = options.idleUnloadMs;
  }

  /** True when nothing is registered: no version and no lazy source. */
  get empty(): boolean {
    return this.#versions.size === 0 && this.#lazy === undefined;
  }

  /** True while a registration, rollback or close is queued or running. */
  get busy(): boolean {
    return this.#queued > 0;
  }

  /** Routes a call to the version active at this moment; it runs to its end on that version. */
  call(input: Uint8Array): Promise<Uint8Array> {
    const active = this.#active;
    return active !== undefined ? active.call(input) : this.#callWithoutActive(input);
  }

  /** Routes a call to the active or the retained previous version that `target` names. */
  async callVersion(target: VersionTarget, input: Uint8Array): Promise<Uint8Array> {
    if (this.#active === undefined) await this.#enqueue(() => this.#activateLazy());
    const version = findServing([this.#active, this.#previous], target);
    if (version === undefined) throw noServingVersion(this.name, target);
    return version.call(input);
  }

  register(source: ResolvedSource): Promise<RegisterResult> {
    return this.#enqueue(() => this.#register(source));
  }

  rollback(): Promise<{ from: VersionSnapshot; to: VersionSnapshot }> {
    return this.#enqueue(async () => this.#rollback());
  }

  /** Drains and closes every version; the slot takes no more registrations. */
  close(reason: CloseReason): Promise<void> {
    return this.#enqueue(() => this.#close(reason));
  }

  snapshot(): SlotSnapshot {
    return {
      name: this.name,
      active: this.#active?.snapshot(),
      previous: this.#previous?.snapshot(),
      versions: [...this.#versions].sort((a, b) => a.id - b.id).map((v) => v.snapshot()),
      lazy: this.#lazy !== undefined && this.#active === undefined,
    };
  }

  #enqueue<T>(task: () => Promise<T>): Promise<T> {
    this.#queued += 1;
    const run = this.#queue.then(task).finally(() => {
      this.#queued -= 1;
    });
    this.#queue = run.catch(() => {});
    return run;
  }

  async #callWithoutActive(input: Uint8Array): Promise<Uint8Array> {
    // Behind the queue: a first registration or a lazy load in progress ends before we look.
    await this.#enqueue(() => this.#activateLazy());
    const active = this.#active;
    if (active === undefined) {
      throw new PluginError('PLUGIN_NOT_FOUND', `plugin "${this.name}" has no active version`, {
        details: { name: this.name },
      });
    }
    return active.call(input);
  }

  async #activateLazy(): Promise<void> {
    if (this.#active !== undefined || this.#lazy === undefined || this.#closed) return;
    await this.#register({ ...this.#lazy, lazy: false });
  }

  #candidateContext(): CandidateContext {
    return {
      name: this.name,
      loadPlugin: this.#options.loadPlugin,
      readFileVersion: this.#options.readFileVersion,
      emit: this.#emit,
      peers: { active: this.#active, previous: this.#previous },
      rejections: this.#rejections,
      track: (version, tracked) => {
        if (tracked) this.#versions.add(version);
        else this.#versions.delete(version);
      },
    };
  }

  async #register(source: ResolvedSource): Promise<RegisterResult> {
    if (this.#closed) {
      throw new PluginError('PLUGIN_NOT_FOUND', `plugin "${this.name}" was removed`);
    }
    this.#idleUnloadMs = source.idleUnloadMs ?? this.#options.idleUnloadMs;
    if (source.lazy && this.#active === undefined) {
      this.#lazy = source;
      return { outcome: 'deferred', version: undefined, fallback: false };
    }
    const picked = await pickCandidate(this.#candidateContext(), source);
    this.#lazy = undefined;
    if (picked.kind === 'unchanged') {
      this.#scheduleIdleCheck();
      return { outcome: 'unchanged', version: picked.version.snapshot(), fallback: false };
    }
    this.#activate(picked.version);
    if (picked.fallback !== undefined) {
      const { preferred, reason } = picked.fallback;
      this.#emit({ type: 'fallback', preferred, reason, version: picked.version.snapshot() });
    }
    return {
      outcome: 'activated',
      version: picked.version.snapshot(),
      fallback: picked.fallback !== undefined,
    };
  }

  /** The swap: one reference replaced; the old version drains behind it. */
  #activate(version: PluginVersion): void {
    const previous = this.#active;
    version.state = 'active';
    this.#active = version;
    this.#rejections.forgetTransient();
    this.#emit({ type: 'activated', version: version.snapshot(), previous: previous?.snapshot() });
    if (previous !== undefined) this.#retire(previous);
    this.#scheduleIdleCheck();
  }

  #rollback(): { from: VersionSnapshot; to: VersionSnapshot } {
    const target = this.#previous;
    const current = this.#active;
    if (target === undefined || current === undefined) {
      throw new PluginError(
        'PLUGIN_ROLLBACK_UNAVAILABLE',
        `plugin "${this.name}" has no previous version retained`,
        { details: { name: this.name } },
      );
    }
    this.#setPrevious(undefined);
    target.state = 'active';
    this.#active = target;
    this.#rejections.forgetTransient();
    const result = { from: current.snapshot(), to: target.snapshot() };
    this.#emit({ type: 'rolled-back', ...result });
    this.#retire(current);
    this.#scheduleIdleCheck();
    return result;
  }

  /** A version stops serving: it drains, then waits as the previous version or closes. */
  #retire(version: PluginVersion): void {
    const older = this.#previous;
    this.#setPrevious(this.#options.retentionMs > 0 ? version : undefined);
    // An older previous version still draining closes when its drain ends (it is no longer kept).
    if (older !== undefined && older !== version && older.state === 'standby') {
      this.#inBackground(this.#closeVersion(older, 'replaced'));
    }
    version.state = 'draining';
    this.#emit({ type: 'draining', version: version.snapshot(), inFlight: version.inFlight });
    this.#inBackground(this.#drainThenSettle(version));
  }

  async #drainThenSettle(version: PluginVersion): Promise<void> {
    // A retained previous version is not closing, so its callers are never abandoned.
    await version.drain(this.#options.drainTimeoutMs, () => this.#previous === version);
    if (version.state !== 'draining') return;
    if (this.#previous === version) {
      version.state = 'standby';
      this.#emit({
        type: 'standby',
        version: version.snapshot(),
        retainedMs: this.#options.retentionMs,
      });
      return;
    }
    await this.#closeVersion(version, this.#closeReasons.get(version) ?? 'replaced');
  }

  #setPrevious(version: PluginVersion | undefined): void {
    clearTimeout(this.#retentionTimer);
    this.#retentionTimer = undefined;
    this.#previous = version;
    if (version === undefined) return;
    this.#retentionTimer = startTimer(this.#options.retentionMs, () => {
      if (this.#previous !== version) return;
      this.#previous = undefined;
      this.#closeReasons.set(version, 'retention-expired');
      if (version.state === 'standby') {
        this.#inBackground(this.#closeVersion(version, 'retention-expired'));
      }
    });
  }

  async #closeVersion(version: PluginVersion, reason: CloseReason): Promise<void> {
    if (this.#closing.has(version)) return version.close();
    this.#closing.add(version);
    if (this.#previous === version) this.#setPrevious(undefined);
    await version.close();
    version.state = 'closed';
    this.#versions.delete(version);
    this.#emit({
      type: 'closed',
      version: version.snapshot(),
      reason,
      abandoned: version.abandoned,
    });
  }

  #inBackground(work: Promise<void>): void {
    this.#background.add(work);
    void work.finally(() => this.#background.delete(work));
  }

  #scheduleIdleCheck(): void {
    clearTimeout(this.#idleTimer);
    this.#idleTimer = undefined;
    const active = this.#active;
    if (active === undefined || this.#closed) return;
    const resident = active.resident;
    const idleFor = Date.now() - active.lastUsed;
    const wait = resident ? Math.max(1, this.#idleUnloadMs - idleFor) : this.#idleUnloadMs;
    this.#idleTimer = startTimer(wait, () => {
      const current = this.#active;
      if (current === undefined) return;
      if (current.inFlight === 0 && Date.now() - current.lastUsed >= this.#idleUnloadMs) {
        current.unloadIdle();
      }
      this.#scheduleIdleCheck();
    });
  }

  async #close(reason: CloseReason): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#lazy = undefined;
    clearTimeout(this.#idleTimer);
    const active = this.#active;
    this.#active = undefined;
    this.#setPrevious(undefined);
    for (const version of this.#versions) {
      this.#closeReasons.set(version, reason);
      if (version.state === 'standby') this.#inBackground(this.#closeVersion(version, reason));
    }
    if (active !== undefined) {
      active.state = 'draining';
      this.#emit({ type: 'draining', version: active.snapshot(), inFlight: active.inFlight });
      this.#inBackground(this.#drainThenSettle(active));
    }
    while (this.#background.size > 0) await Promise.all(this.#background);
  }
}
