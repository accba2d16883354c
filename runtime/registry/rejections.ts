import type { PluginError } from '../errors.js';

/**
 * Candidates a slot refused, so that the same bytes with the same options are not loaded and
 * reported again each time the folder is re-read (an error storm). Refusals that depend on the
 * active version (a lower version, a conflict) are forgotten when the active version changes; a
 * library built for another platform is remembered for good.
 */
export class Rejections {
  static readonly MAX_ENTRIES = 64;
  readonly #transient = new Map<string, PluginError>();
  readonly #permanent = new Map<string, PluginError>();

  get(key: string): PluginError | undefined {
    return this.#permanent.get(key) ?? this.#transient.get(key);
  }

  remember(key: string, error: PluginError, permanent: boolean): void {
    const map = permanent ? this.#permanent : this.#transient;
    map.delete(key);
    map.set(key, error);
    // Maps iterate in insertion order: the first key is the oldest.
    if (map.size > Rejections.MAX_ENTRIES) map.delete(map.keys().next().value!);
  }

  /** The active version changed: refusals measured against the old one no longer hold. */
  forgetTransient(): void {
    this.#transient.clear();
  }
}
