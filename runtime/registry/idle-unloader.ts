import type { PluginVersion } from './plugin-version.js';
import { startTimer } from './timer.js';

/**
 * Unloads the active version's instance once no call has used it for `idleMs`; the version
 * stays active and its next call loads it again. One timer per plugin, set for the moment the
 * version would become idle, rather than one per call.
 */
export class IdleUnloader {
  readonly #active: () => PluginVersion | undefined;
  #timer: NodeJS.Timeout | undefined;
  idleMs: number;

  constructor(idleMs: number, active: () => PluginVersion | undefined) {
    this.idleMs = idleMs;
    this.#active = active;
  }

  /** (Re)arms the timer for the version active now. */
  schedule(): void {
    this.stop();
    const active = this.#active();
    if (active === undefined) return;
    const idleFor = Date.now() - active.lastUsed;
    // An unloaded version has nothing to unload until a call loads it again.
    const wait = active.resident ? Math.max(1, this.idleMs - idleFor) : this.idleMs;
    this.#timer = startTimer(wait, () => {
      const current = this.#active();
      if (current === undefined) return;
      if (current.inFlight === 0 && Date.now() - current.lastUsed >= this.idleMs) {
        current.unloadIdle();
      }
      this.schedule();
    });
  }

  stop(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}
