import { PluginError } from '../errors.js';
import type { CallOptions, PluginInfo } from '../plugin.js';
import {
  type CandidateContext,
  cancelled,
  pickCandidate,
  type RegisterOptions,
} from './candidates.js';
import type { CloseReason, ServedCall, SlotEvent, VersionSnapshot } from './events.js';
import { IdleUnloader } from './idle-unloader.js';
import type { BudgetEntry } from './memory-budget.js';
import type { ResolvedSource } from './plugin-source.js';
import type { PluginVersion } from './plugin-version.js';
import type { ResolvedRegistryOptions } from './registry-options.js';
import { Rejections } from './rejections.js';
import { Retirement } from './retirement.js';
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
  /** The activated build's PluginInfo (what a fleet stores beside its bytes). */
  readonly info?: PluginInfo;
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
  readonly #retirement: Retirement;
  readonly #idle: IdleUnloader;
  #active: PluginVersion | undefined;
  #lazy: ResolvedSource | undefined;
  #queue: Promise<unknown> = Promise.resolve();
  #closed = false;
  #keepLoaded = false;
  #queued = 0;

  constructor(name: string, options: ResolvedRegistryOptions, emit: (event: SlotEvent) => void) {
    this.name = name;
    this.#options = options;
    this.#emit = emit;
    this.#retirement = new Retirement(options, emit, (version) => this.#versions.delete(version));
    this.#idle = new IdleUnloader(options.idleUnloadMs, () => this.#active);
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
  call(input: Uint8Array, options?: CallOptions): Promise<Uint8Array> {
    const active = this.#active;
    return active !== undefined
      ? active.call(input, options)
      : this.#callWithoutActive(input, options);
  }

  /** Like `call`, and says which version served. */
  async callWithVersion(
    input: Uint8Array,
    options?: CallOptions,
  ): Promise<{ output: Uint8Array; version: VersionSnapshot }> {
    const active = this.#active ?? (await this.#activeAfterQueue());
    const output = await active.call(input, options);
    return { output, version: active.snapshot() };
  }

  /** Routes a call to the active or the retained previous version that `target` names. */
  callVersion(
    target: VersionTarget,
    input: Uint8Array,
    options?: CallOptions,
  ): Promise<Uint8Array> {
    if (this.#active === undefined) {
      return this.#activeAfterQueue().then(() => this.#callServing(target, input, options));
    }
    return this.#callServing(target, input, options);
  }

  /**
   * Runs a call on the version `target` names (the active one when undefined) and reports the
   * version that served it, on success and on failure alike. `options.signal` ends a call whose
   * caller has gone (PLUGIN_CANCELLED).
   */
  callServed(
    target: VersionTarget | undefined,
    input: Uint8Array,
    options: CallOptions | undefined,
  ): Promise<ServedCall> {
    const active = this.#active;
    if (active !== undefined) return this.#callServedOn(active, target, input, options);
    return this.#activeAfterQueue().then(
      (loaded) => this.#callServedOn(loaded, target, input, options),
      (error: unknown) => ({ version: undefined, error }),
    );
  }

  /** Not async: one promise per call on a server's path (an await here cost a tick more). */
  #callServedOn(
    active: PluginVersion,
    target: VersionTarget | undefined,
    input: Uint8Array,
    options: CallOptions | undefined,
  ): Promise<ServedCall> {
    let version: PluginVersion | undefined;
    try {
      version =
        target === undefined ||
        (target.id === active.id && target.version === undefined && target.backend === undefined)
          ? active
          : findServing([active, this.#retirement.previous], target);
    } catch (error) {
      return Promise.resolve({ version: undefined, error });
    }
    if (version === undefined)
      return Promise.resolve({ version, error: noServingVersion(this.name, target!) });
    const served = version.served;
    return version.call(input, options).then(
      (output) => ({ version: served, output }),
      (error: unknown) => ({ version: served, error }),
    );
  }

  #callServing(
    target: VersionTarget,
    input: Uint8Array,
    options: CallOptions | undefined,
  ): Promise<Uint8Array> {
    const active = this.#active;
    if (
      active !== undefined &&
      target.id === active.id &&
      target.version === undefined &&
      target.backend === undefined
    )
      return active.call(input, options);
    const version = findServing([active, this.#retirement.previous], target);
    if (version === undefined) return Promise.reject(noServingVersion(this.name, target));
    return version.call(input, options);
  }

  register(source: ResolvedSource, control: RegisterOptions = {}): Promise<RegisterResult> {
    return this.#enqueue(() => this.#register(source, control));
  }

  rollback(): Promise<{ from: VersionSnapshot; to: VersionSnapshot }> {
    return this.#enqueue(async () => this.#rollback());
  }

  /** Drains and closes every version; the slot takes no more registrations. */
  close(reason: CloseReason): Promise<void> {
    return this.#enqueue(() => this.#close(reason));
  }

  /** The loaded versions the memory budget counts: the active one and the one kept for rollback. */
  *budgetEntries(): Generator<BudgetEntry> {
    for (const version of [this.#active, this.#retirement.previous])
      if (version?.resident) yield { version, keepLoaded: this.#keepLoaded };
  }

  snapshot(): SlotSnapshot {
    return {
      name: this.name,
      active: this.#active?.snapshot(),
      previous: this.#retirement.previous?.snapshot(),
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

  async #callWithoutActive(input: Uint8Array, options?: CallOptions): Promise<Uint8Array> {
    return (await this.#activeAfterQueue()).call(input, options);
  }

  /** Behind the queue: a first registration or a lazy load in progress ends before we look. */
  async #activeAfterQueue(): Promise<PluginVersion> {
    await this.#enqueue(() => this.#activateLazy());
    const active = this.#active;
    if (active === undefined) {
      throw new PluginError('PLUGIN_NOT_FOUND', `plugin "${this.name}" has no active version`, {
        details: { name: this.name },
      });
    }
    return active;
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
      peers: { active: this.#active, previous: this.#retirement.previous },
      rejections: this.#rejections,
      track: (version, tracked) => {
        if (tracked) this.#versions.add(version);
        else this.#versions.delete(version);
      },
    };
  }

  async #register(source: ResolvedSource, control: RegisterOptions = {}): Promise<RegisterResult> {
    const { signal } = control;
    signal?.throwIfAborted();
    if (this.#closed) {
      throw new PluginError('PLUGIN_NOT_FOUND', `plugin "${this.name}" was removed`);
    }
    this.#idle.idleMs = source.idleUnloadMs ?? this.#options.idleUnloadMs;
    this.#keepLoaded = source.keepLoaded;
    if (source.lazy && this.#active === undefined) {
      this.#lazy = source;
      return { outcome: 'deferred', version: undefined, fallback: false };
    }
    const picked = await pickCandidate(this.#candidateContext(), source, control);
    if (signal?.aborted && picked.kind === 'ready') {
      // Its caller gave up while it passed: it never serves.
      await picked.version.close();
      picked.version.state = 'failed';
      this.#versions.delete(picked.version);
      throw cancelled(signal);
    }
    this.#lazy = undefined;
    if (picked.kind === 'unchanged') {
      this.#idle.schedule();
      return { outcome: 'unchanged', version: picked.version.snapshot(), fallback: false };
    }
    this.#activate(picked.version);
    if (picked.fallback !== undefined) {
      const { preferred, reason } = picked.fallback;
      this.#emit({ type: 'fallback', preferred, reason, version: picked.version.snapshot() });
    }
    const { info } = picked.version;
    return {
      outcome: 'activated',
      version: picked.version.snapshot(),
      fallback: picked.fallback !== undefined,
      ...(info === undefined ? {} : { info }),
    };
  }

  /** The swap: one reference replaced; the old version drains behind it. */
  #activate(version: PluginVersion): void {
    const previous = this.#active;
    version.state = 'active';
    this.#active = version;
    this.#rejections.forgetTransient();
    this.#emit({ type: 'activated', version: version.snapshot(), previous: previous?.snapshot() });
    if (previous !== undefined) this.#retirement.retire(previous);
    this.#idle.schedule();
  }

  #rollback(): { from: VersionSnapshot; to: VersionSnapshot } {
    const current = this.#active;
    const target = current === undefined ? undefined : this.#retirement.takePrevious();
    if (target === undefined || current === undefined) {
      throw new PluginError(
        'PLUGIN_ROLLBACK_UNAVAILABLE',
        `plugin "${this.name}" has no previous version retained`,
        { details: { name: this.name } },
      );
    }
    target.state = 'active';
    this.#active = target;
    this.#rejections.forgetTransient();
    const result = { from: current.snapshot(), to: target.snapshot() };
    this.#emit({ type: 'rolled-back', ...result });
    this.#retirement.retire(current);
    this.#idle.schedule();
    return result;
  }

  async #close(reason: CloseReason): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#lazy = undefined;
    this.#idle.stop();
    const active = this.#active;
    this.#active = undefined;
    await this.#retirement.closeAll(active, [...this.#versions], reason);
  }
}
