import type { CloseReason, SlotEvent } from './events.js';
import type { PluginVersion } from './plugin-version.js';
import type { ResolvedRegistryOptions } from './registry-options.js';
import { startTimer } from './timer.js';

/**
 * What becomes of versions that stop serving: each drains; the latest waits in `standby` for
 * a rollback during the retention time; the others close. Owns the previous version, its
 * retention timer, and the draining and closing still under way.
 */
export class Retirement {
  readonly #options: ResolvedRegistryOptions;
  readonly #emit: (event: SlotEvent) => void;
  readonly #onClosed: (version: PluginVersion) => void;
  readonly #background = new Set<Promise<void>>();
  readonly #closeReasons = new WeakMap<PluginVersion, CloseReason>();
  readonly #closing = new WeakSet<PluginVersion>();
  #previous: PluginVersion | undefined;
  #retentionTimer: NodeJS.Timeout | undefined;

  constructor(
    options: ResolvedRegistryOptions,
    emit: (event: SlotEvent) => void,
    onClosed: (version: PluginVersion) => void,
  ) {
    this.#options = options;
    this.#emit = emit;
    this.#onClosed = onClosed;
  }

  /** The version a rollback would bring back. */
  get previous(): PluginVersion | undefined {
    return this.#previous;
  }

  /** A version leaves the active state: it drains, then waits as the previous one or closes. */
  retire(version: PluginVersion): void {
    const older = this.#previous;
    this.#setPrevious(this.#options.retentionMs > 0 ? version : undefined);
    // An older previous version still draining closes when its drain ends: it is no longer kept.
    if (older !== undefined && older !== version && older.state === 'standby') {
      this.#inBackground(this.#close(older, 'replaced'));
    }
    this.#drain(version);
  }

  /** Hands the previous version back for a rollback; its drain, if any, is cancelled by its activation. */
  takePrevious(): PluginVersion | undefined {
    const previous = this.#previous;
    this.#setPrevious(undefined);
    return previous;
  }

  /** Retires every version for good, the active one included, and waits until all are closed. */
  async closeAll(
    active: PluginVersion | undefined,
    versions: Iterable<PluginVersion>,
    reason: CloseReason,
  ): Promise<void> {
    this.#setPrevious(undefined);
    for (const version of versions) {
      this.#closeReasons.set(version, reason);
      if (version.state === 'standby') this.#inBackground(this.#close(version, reason));
    }
    if (active !== undefined) this.#drain(active);
    while (this.#background.size > 0) await Promise.all(this.#background);
  }

  #drain(version: PluginVersion): void {
    version.state = 'draining';
    this.#emit({ type: 'draining', version: version.snapshot(), inFlight: version.inFlight });
    this.#inBackground(this.#drainThenSettle(version));
  }

  async #drainThenSettle(version: PluginVersion): Promise<void> {
    await version.drain(this.#options.drainTimeoutMs);
    if (version.state !== 'draining') return;
    if (this.#previous === version) {
      version.state = 'standby';
      const retainedMs = this.#options.retentionMs;
      this.#emit({ type: 'standby', version: version.snapshot(), retainedMs });
      return;
    }
    await this.#close(version, this.#closeReasons.get(version) ?? 'replaced');
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
      // Still draining: it closes when the drain ends, as it is no longer the previous version.
      if (version.state === 'standby') {
        this.#inBackground(this.#close(version, 'retention-expired'));
      }
    });
  }

  async #close(version: PluginVersion, reason: CloseReason): Promise<void> {
    if (this.#closing.has(version)) return version.close();
    this.#closing.add(version);
    await version.close();
    version.state = 'closed';
    this.#onClosed(version);
    const abandoned = version.abandoned;
    this.#emit({ type: 'closed', version: version.snapshot(), reason, abandoned });
  }

  #inBackground(work: Promise<void>): void {
    this.#background.add(work);
    void work.finally(() => this.#background.delete(work));
  }
}
