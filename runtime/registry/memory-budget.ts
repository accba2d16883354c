import { PluginError } from '../errors.js';
import type { PluginVersion } from './plugin-version.js';
import type { PluginLoader } from './registry-options.js';

/** A loaded version the budget may unload, and whether its plugin is pinned (`keepLoaded`). */
export interface BudgetEntry {
  readonly version: PluginVersion;
  readonly keepLoaded: boolean;
}

/** Where unloading stops once the budget is passed: this share of the budget (default 0.8). */
export const DEFAULT_LOW_WATER = 0.8;

/**
 * A registry's memory budget: what its loaded versions hold ({@link PluginStats.memoryBytes})
 * may not pass `limit`. When a load would pass it, or the periodic check finds it passed (a
 * Wasm memory grows during calls), the least recently used versions with no call in flight
 * and not `keepLoaded` are unloaded, down to `lowWater`; the next call to one loads it again.
 * A plugin larger than the whole budget is refused (PLUGIN_OVER_BUDGET) rather than loaded.
 */
export class MemoryBudget {
  readonly limit: number;
  readonly lowWater: number;
  readonly #entries: () => Iterable<BudgetEntry>;

  constructor(limit: number, lowWaterRatio: number, entries: () => Iterable<BudgetEntry>) {
    this.limit = limit;
    this.lowWater = Math.floor(limit * lowWaterRatio);
    this.#entries = entries;
  }

  /** Bytes held by the loaded versions now. */
  total(): number {
    let sum = 0;
    for (const { version } of this.#entries()) sum += version.memoryBytes();
    return sum;
  }

  /** Wraps a loader: a new instance is measured, refused when larger than the budget, and makes room. */
  admitting(load: PluginLoader): PluginLoader {
    return async (options) => {
      const plugin = await load(options);
      const bytes = plugin.stats().memoryBytes;
      if (bytes > this.limit) {
        await plugin.close().catch(() => {});
        throw new PluginError(
          'PLUGIN_OVER_BUDGET',
          `the plugin holds ${bytes} bytes, more than the whole memory budget of ${this.limit} bytes`,
          { details: { memoryBytes: bytes, memoryBudget: this.limit } },
        );
      }
      this.enforce(bytes);
      return plugin;
    };
  }

  /**
   * Unloads idle versions, least recently used first, until what stays plus `incoming` fits
   * under the low-water mark, when the total plus `incoming` passes the budget.
   */
  enforce(incoming = 0): void {
    const entries = [...this.#entries()].map((entry) => ({
      ...entry,
      bytes: entry.version.memoryBytes(),
    }));
    let total = incoming + entries.reduce((sum, entry) => sum + entry.bytes, 0);
    if (total <= this.limit) return;
    const candidates = entries
      .filter((entry) => !entry.keepLoaded && entry.bytes > 0 && entry.version.inFlight === 0)
      .sort((a, b) => a.version.lastUse - b.version.lastUse);
    for (const entry of candidates) {
      if (total <= this.lowWater) break;
      if (entry.version.unloadIdle('budget', entry.bytes)) total -= entry.bytes;
    }
  }
}
