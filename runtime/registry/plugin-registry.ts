import { PluginError } from '../errors.js';
import type { CallOptions } from '../plugin.js';
import { isValidPluginName } from '../plugin-info.js';
import type { RegisterOptions } from './candidates.js';
import type { RegistryEvent, ServedCall, SlotEvent, VersionSnapshot } from './events.js';
import { MemoryBudget } from './memory-budget.js';
import { PluginSlot, type RegisterResult, type SlotSnapshot } from './plugin-slot.js';
import { type PluginSource, resolveSource } from './plugin-source.js';
import {
  type RegistryOptions,
  type ResolvedRegistryOptions,
  resolveRegistryOptions,
} from './registry-options.js';
import { TypedEvents } from './typed-events.js';
import type { VersionTarget } from './version-target.js';

const BUDGET_CHECK_MS = 1000;

function notFound(name: string): PluginError {
  return new PluginError('PLUGIN_NOT_FOUND', `no plugin named "${name}" is registered`, {
    details: { name },
  });
}

/**
 * Named plugins, each with versions that can be swapped while calls run. See
 * {@link createRegistry}.
 */
export class PluginRegistry {
  /** Every state change of every version: subscribe for logs and metrics. */
  readonly events = new TypedEvents<RegistryEvent>();
  readonly #options: ResolvedRegistryOptions;
  readonly #slots = new Map<string, PluginSlot>();
  readonly #budget: MemoryBudget | undefined;
  readonly #budgetTimer: NodeJS.Timeout | undefined;
  #closing: Promise<void> | undefined;

  constructor(options: RegistryOptions = {}) {
    const resolved = resolveRegistryOptions(options);
    if (resolved.memoryBudget === Number.POSITIVE_INFINITY) {
      this.#options = resolved;
      return;
    }
    const budget = new MemoryBudget(resolved.memoryBudget, resolved.memoryLowWater, () =>
      [...this.#slots.values()].flatMap((slot) => [...slot.budgetEntries()]),
    );
    this.#budget = budget;
    // Every load (a candidate, or an unloaded version's next call) makes room first.
    this.#options = { ...resolved, loadPlugin: budget.admitting(resolved.loadPlugin) };
    // A Wasm memory grows during calls: the total is checked again each second.
    this.#budgetTimer = setInterval(() => budget.enforce(), BUDGET_CHECK_MS);
    this.#budgetTimer.unref();
  }

  /** The memory budget and what the loaded plugins hold now; undefined without a budget. */
  memory(): { budget: number; used: number } | undefined {
    return this.#budget && { budget: this.#budget.limit, used: this.#budget.total() };
  }

  /** What each loaded version holds, in bytes, by version id (resident versions only). */
  memoryByVersion(): Map<number, number> {
    const bytes = new Map<number, number>();
    for (const slot of this.#slots.values())
      for (const { version } of slot.budgetEntries()) bytes.set(version.id, version.memoryBytes());
    return bytes;
  }

  /**
   * Adds a plugin, or offers a new version of it: the candidate is loaded beside the active
   * version, validated, self-tested, and only then swapped in. Rejects with the candidate's
   * error (the active version keeps serving); resolves `unchanged` for the artifact already
   * active and `deferred` for a lazy plugin's first registration. `options.signal` stops the
   * validation (the candidate never serves), `options.selfTestTimeoutMs` caps self-test calls.
   */
  async register(
    name: string,
    source: PluginSource | string,
    options: RegisterOptions = {},
  ): Promise<RegisterResult> {
    if (typeof name !== 'string' || !isValidPluginName(name)) {
      throw new PluginError(
        'PLUGIN_INVALID_OPTIONS',
        `"${String(name)}" is not a valid plugin name`,
      );
    }
    const resolved = resolveSource(typeof source === 'string' ? { artifacts: source } : source);
    if (this.#closing !== undefined)
      throw new PluginError('PLUGIN_CLOSED', 'the registry is closed');
    let slot = this.#slots.get(name);
    if (slot === undefined) {
      slot = new PluginSlot(name, this.#options, (event) => this.#emit(name, event));
      this.#slots.set(name, slot);
    }
    try {
      return await slot.register(resolved, options);
    } catch (error) {
      // A first registration that failed leaves no trace.
      if (slot.empty && !slot.busy && this.#slots.get(name) === slot) this.#slots.delete(name);
      throw error;
    }
  }

  /**
   * Runs ProcessData on the version active at this moment (loading a lazy or idle plugin
   * first). `options.signal` cancels it as {@link Plugin.processData} describes.
   */
  call(name: string, input: Uint8Array, options?: CallOptions): Promise<Uint8Array> {
    const slot = this.#slots.get(name);
    return slot === undefined ? Promise.reject(notFound(name)) : slot.call(input, options);
  }

  /**
   * Like {@link call}, and says which version served (for a response header, a log line).
   *
   * @example
   * const { output, version } = await registry.callWithVersion('upper', input);
   * response.setHeader('x-plugin-version', `${version.version} ${version.sha256}`);
   */
  callWithVersion(
    name: string,
    input: Uint8Array,
    options?: CallOptions,
  ): Promise<{ output: Uint8Array; version: VersionSnapshot }> {
    const slot = this.#slots.get(name);
    return slot === undefined
      ? Promise.reject(notFound(name))
      : slot.callWithVersion(input, options);
  }

  /**
   * Runs ProcessData on a chosen version: the active one or the previous one retained for
   * rollback, whichever matches `target` (its id, semantic version and/or backend), the active
   * one first. Rejects with PLUGIN_NOT_FOUND when neither matches. For canaries and pinning.
   */
  callVersion(
    name: string,
    input: Uint8Array,
    target: VersionTarget,
    options?: CallOptions,
  ): Promise<Uint8Array> {
    const slot = this.#slots.get(name);
    return slot === undefined
      ? Promise.reject(notFound(name))
      : slot.callVersion(target, input, options);
  }

  /**
   * Runs ProcessData on the version `target` names (the active one when undefined) and resolves
   * with the outcome and the version that really served, on failure too, so that a server
   * counts each call against the right build. Never rejects.
   *
   * @example
   * const { version, output, error } = await registry.callServed('upper', input, { version: '1.2.0' });
   */
  callServed(
    name: string,
    input: Uint8Array,
    target: VersionTarget | undefined,
    options?: CallOptions,
  ): Promise<ServedCall> {
    const slot = this.#slots.get(name);
    return slot === undefined
      ? Promise.resolve({ version: undefined, error: notFound(name) })
      : slot.callServed(target, input, options);
  }

  /** Swaps the previous version back in at once (it is still loaded); the current one is retained in turn. */
  rollback(name: string): Promise<{ from: VersionSnapshot; to: VersionSnapshot }> {
    const slot = this.#slots.get(name);
    return slot === undefined ? Promise.reject(notFound(name)) : slot.rollback();
  }

  /** Unregisters a plugin: new calls fail with PLUGIN_NOT_FOUND, its versions drain and close. */
  async remove(name: string): Promise<void> {
    const slot = this.#slots.get(name);
    if (slot === undefined) throw notFound(name);
    this.#slots.delete(name);
    await slot.close('removed');
    this.#emit(name, { type: 'removed' });
  }

  has(name: string): boolean {
    return this.#slots.has(name);
  }

  get(name: string): SlotSnapshot | undefined {
    return this.#slots.get(name)?.snapshot();
  }

  list(): SlotSnapshot[] {
    return [...this.#slots.values()].map((slot) => slot.snapshot());
  }

  /** Drains and closes every version of every plugin. Safe to call more than once. */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      clearInterval(this.#budgetTimer);
      const slots = [...this.#slots.values()];
      this.#slots.clear();
      await Promise.all(slots.map((slot) => slot.close('registry-closed')));
    })();
    return this.#closing;
  }

  #emit(name: string, event: SlotEvent): void {
    this.events.emit({ ...event, name, time: Date.now() } as RegistryEvent);
  }
}

/**
 * Creates a registry of named, hot-swappable plugins.
 *
 * @example
 * const registry = createRegistry({ drainTimeoutMs: 10_000 });
 * registry.events.onAny((event) => console.log(event.type, event.name));
 * await registry.register('upper', { artifacts: ['plugins/upper/upper.so', 'plugins/upper/upper.wasm'] });
 * const out = await registry.call('upper', new TextEncoder().encode('hi')); // "HI"
 * await registry.register('upper', 'plugins/upper/upper-1.1.0.wasm'); // validated, then swapped in
 * await registry.rollback('upper'); // the previous version serves again, at once
 * await registry.close();
 */
export function createRegistry(options: RegistryOptions = {}): PluginRegistry {
  return new PluginRegistry(options);
}
