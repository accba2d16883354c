/**
 * Compiled modules by content and compile settings, held weakly: a module is found again while
 * something still holds it (a loaded version, the candidate under self-test, the version kept
 * for rollback), so a swap's self-test load and a swap back compile and meter nothing, and the
 * cache keeps no module alive by itself. A WebAssembly.Module is immutable; each load makes its
 * own instance and runs its own import checks against its own grants.
 */
export class ModuleCache {
  readonly #entries = new Map<string, WeakRef<WebAssembly.Module>>();
  readonly #collected = new FinalizationRegistry<string>((key) => {
    if (this.#entries.get(key)?.deref() === undefined) this.#entries.delete(key);
  });

  get size(): number {
    return this.#entries.size;
  }

  get(key: string): WebAssembly.Module | undefined {
    return this.#entries.get(key)?.deref();
  }

  set(key: string, module: WebAssembly.Module): void {
    this.#entries.set(key, new WeakRef(module));
    this.#collected.register(module, key);
  }
}
