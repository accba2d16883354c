import { isValidPluginName } from '../../runtime/index.js';
import type { StoredRollout, StoredRollouts } from '../rollout/control-store.js';
import { Rollout } from '../rollout/rollout.js';
import type { RolloutDeps } from '../rollout/rollout-deps.js';

/**
 * Every plugin's {@link Rollout}, by name (a Map: names are data), made on first sight, with
 * the stored records each one starts from.
 */
export class Rollouts {
  readonly #deps: RolloutDeps;
  readonly #rollouts = new Map<string, Rollout>();
  #stored: StoredRollouts = new Map();

  constructor(deps: RolloutDeps) {
    this.#deps = deps;
  }

  get(name: string): Rollout | undefined {
    return this.#rollouts.get(name);
  }

  for(name: string): Rollout {
    let rollout = this.#rollouts.get(name);
    if (rollout === undefined) {
      rollout = new Rollout(name, this.#deps);
      this.#rollouts.set(name, rollout);
      const stored = this.#stored.get(name);
      if (stored !== undefined) this.#apply(rollout, stored, true);
    }
    return rollout;
  }

  /** The folder watcher's look at one plugin, in turn with that plugin's other transitions. */
  followFolder(name: string, sync: () => Promise<void>): Promise<void> {
    return isValidPluginName(name) ? this.for(name).followFolder(sync) : sync();
  }

  delete(name: string): void {
    this.#rollouts.delete(name);
  }

  values(): IterableIterator<Rollout> {
    return this.#rollouts.values();
  }

  /** Records read from the store: each known plugin applies its own. */
  applyStored(records: StoredRollouts, initial: boolean): void {
    this.#stored = records;
    for (const [name, record] of records) {
      const rollout = this.#rollouts.get(name);
      if (rollout !== undefined) this.#apply(rollout, record, initial);
    }
  }

  #apply(rollout: Rollout, record: StoredRollout, initial: boolean): void {
    rollout
      .applyStored(record, initial)
      .catch((error: unknown) =>
        this.#deps.log.error({ err: error, plugin: rollout.name }, 'cannot apply the routing file'),
      );
  }
}
