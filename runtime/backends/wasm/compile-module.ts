import { PluginError } from '../../errors.js';
import { checkWasmImports } from '../../host/wasm-imports.js';
import type { LoadedArtifact } from '../../loaded-artifact.js';
import type { ResolvedLoadOptions } from '../../options.js';
import { capMemory } from './memory-cap.js';
import { compileOrRefuse, meterFailed, meterValid } from './meter-valid.js';
import { MeterWorker } from './meter-worker.js';
import { METER_IMPORT } from './metering/index.js';
import { ModuleCache } from './module-cache.js';

const compiled = new ModuleCache();
/** The process's one metering worker (exported for tests: its state, and ending it). */
export const meterWorker = new MeterWorker();

/**
 * Modules this large or larger are metered on the metering worker, smaller ones on the loading
 * thread, where the densest module of this size meters in about 2 ms and the samples (7-16 KB)
 * in 0.2-0.7 ms, while a worker started cold costs 0.7 ms of this thread and 30 ms more
 * before the load ends (docs/isolation.md, "Loading off the event loop").
 */
export const OFF_THREAD_METER_BYTES = 32 * 1024;

/**
 * Compiles the module with its memory capped, and metered when `metered`, and checks its
 * imports, without running any of its code: what can be known about an untrusted module
 * before it runs (in a worker, say). The module is validated as built, then metered, then
 * compiled once; its imports are checked on that module, the meter's own import aside (the
 * meter refuses a module that imports from its module itself). The same bytes compiled the
 * same way while an earlier module of them is still held are not compiled again.
 */
export async function compileWasmModule(
  artifact: LoadedArtifact,
  options: ResolvedLoadOptions,
  metered: boolean,
): Promise<WebAssembly.Module> {
  const key = `${artifact.identity.sha256}/${options.maxMemoryPages}/${metered ? 'metered' : 'plain'}`;
  let module = compiled.get(key);
  if (module === undefined) {
    const capped = capMemory(artifact.bytes, options.maxMemoryPages);
    // The artifact's own bytes are only lent; a capped copy is ours to hand over.
    module = await compileCapped(capped, capped !== artifact.bytes, metered);
    compiled.set(key, module);
  }
  // The import section is the same in the capped and the metered bytes, but for the meter's.
  checkWasmImports(
    artifact.bytes,
    module,
    options.grants,
    metered ? METER_IMPORT.module : undefined,
  );
  checkNotCommand(module);
  return module;
}

async function compileCapped(
  capped: Uint8Array,
  owned: boolean,
  metered: boolean,
): Promise<WebAssembly.Module> {
  if (!metered) return compileOrRefuse(capped);
  const bytes =
    capped.length >= OFF_THREAD_METER_BYTES
      ? await meterWorker.meter(owned ? capped : new Uint8Array(capped))
      : await meterValid(capped);
  try {
    return await WebAssembly.compile(bytes);
  } catch (error) {
    throw meterFailed(error);
  }
}

/** A WASI command (`_start`, run once to exit) cannot serve calls: only reactors are plugins. */
function checkNotCommand(module: WebAssembly.Module): void {
  const names = new Set(WebAssembly.Module.exports(module).map((entry) => entry.name));
  if (names.has('_start') && !names.has('_initialize')) {
    throw new PluginError(
      'PLUGIN_FORMAT_INVALID',
      'module is a WASI command (it exports _start): a plugin must be a reactor, built with -mexec-model=reactor (clang) or as a cdylib (Rust)',
      { details: { export: '_start' } },
    );
  }
}
