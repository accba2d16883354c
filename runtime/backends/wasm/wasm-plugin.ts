import { runProcessData } from '../../call-protocol.js';
import { PluginError } from '../../errors.js';
import type { LoadedArtifact } from '../../loaded-artifact.js';
import type { PluginCore } from '../../managed-plugin.js';
import type { ResolvedLoadOptions } from '../../options.js';
import type { PluginInfo } from '../../plugin.js';
import { defaultPluginInfo, parsePluginInfo } from '../../plugin-info.js';
import { checkImports, instantiate } from './host-imports.js';
import { capMemory } from './memory-cap.js';
import { MeterClock, meter } from './metering/index.js';
import {
  bindExports,
  OPTIONAL_EXPORTS,
  REQUIRED_EXPORTS,
  readPluginInfoText,
  trapError,
  type WasmExports,
} from './wasm-instance.js';
import { WasmTransport } from './wasm-transport.js';

interface LiveInstance {
  readonly exports: WasmExports;
  readonly transport: WasmTransport;
}

const ABI_EXPORTS: readonly string[] = [...REQUIRED_EXPORTS, ...OPTIONAL_EXPORTS];

/** What a Wasm core needs besides its compiled module: plain data, so it can cross to a worker. */
export interface WasmCoreSettings {
  /** Names a plugin without PluginInfo. */
  readonly fileName: string;
  readonly maxMemoryPages: number;
  readonly maxOutputBytes: number;
  /** Set when the module was compiled metered: each call's time limit, which the meter enforces. */
  readonly meterTimeoutMs?: number;
}

const NO_IMPORTS: WebAssembly.Imports = {};

class WasmPluginCore implements PluginCore {
  readonly backend = 'wasm' as const;
  readonly info: PluginInfo;
  readonly exports: readonly string[];
  readonly #module: WebAssembly.Module;
  readonly #assemblyScript: boolean;
  readonly #maxPages: number;
  readonly #maxOutputBytes: number;
  readonly #clock: MeterClock | undefined;
  readonly #timeoutMs: number;
  #config: Uint8Array | undefined;
  #initialized = false;
  #live: LiveInstance | undefined;

  constructor(module: WebAssembly.Module, settings: WasmCoreSettings) {
    this.#module = module;
    const metered = settings.meterTimeoutMs !== undefined;
    this.#assemblyScript = checkImports(module, metered).assemblyScript;
    this.#maxPages = settings.maxMemoryPages;
    this.#maxOutputBytes = settings.maxOutputBytes;
    this.#clock = metered ? new MeterClock() : undefined;
    this.#timeoutMs = settings.meterTimeoutMs ?? 0;
    const exported = new Set(WebAssembly.Module.exports(module).map((entry) => entry.name));
    this.exports = ABI_EXPORTS.filter((name) => exported.has(name));
    const live = this.#timed(undefined, 'instantiation', () => this.#instantiate());
    this.#live = live;
    const text = this.#timed(undefined, 'PluginInfo', () =>
      this.#guard(live, 'PluginInfo', () => readPluginInfoText(live.exports)),
    );
    this.info = text === undefined ? defaultPluginInfo(settings.fileName) : parsePluginInfo(text);
  }

  initialize(config: Uint8Array): void {
    this.#config = config;
    const live = this.#live;
    if (live !== undefined)
      this.#timed(undefined, 'Initialize', () => this.#initializeInstance(live, config));
    this.#initialized = true;
  }

  call(input: Uint8Array, signal?: AbortSignal): Uint8Array {
    const clock = this.#clock;
    if (clock === undefined) return this.#run(input);
    // Armed and disarmed inline, not through a closure: this is the per-call path.
    clock.arm(this.#timeoutMs, signal, 'ProcessData');
    let output: Uint8Array;
    try {
      output = this.#run(input);
    } catch (error) {
      throw clock.disarm() ?? error;
    }
    clock.disarm();
    return output;
  }

  memoryBytes(): number | undefined {
    return this.#live?.exports.memory.buffer.byteLength ?? 0;
  }

  dispose(): void {
    const live = this.#live;
    this.#live = undefined;
    if (live === undefined || !this.#initialized) return;
    try {
      this.#timed(undefined, 'Cleanup', () => live.exports.Cleanup?.());
    } catch {
      // The instance is dropped either way; a trap in Cleanup cannot leak anything out of it.
    }
  }

  #run(input: Uint8Array): Uint8Array {
    let live = this.#live;
    try {
      live ??= this.#revive();
      return runProcessData(live.transport, input, this.#maxOutputBytes);
    } finally {
      // A trapped instance may hold corrupt memory: the next call gets a fresh one.
      if (live?.transport.broken) this.#live = undefined;
    }
  }

  /** Runs plugin code under the call deadline when the module is metered. */
  #timed<T>(signal: AbortSignal | undefined, during: string, run: () => T): T {
    if (this.#clock === undefined) return run();
    return this.#clock.time(this.#timeoutMs, signal, during, run);
  }

  #instantiate(): LiveInstance {
    let instance: WebAssembly.Instance;
    try {
      instance = instantiate(
        this.#module,
        this.#assemblyScript,
        this.#clock?.imports ?? NO_IMPORTS,
      );
    } catch (error) {
      throw new PluginError(
        'PLUGIN_LOAD_FAILED',
        `cannot instantiate Wasm module: ${(error as Error).message}`,
        { cause: error },
      );
    }
    const exports = bindExports(instance);
    return { exports, transport: new WasmTransport(exports, this.#maxPages) };
  }

  #revive(): LiveInstance {
    const live = this.#instantiate();
    if (this.#config !== undefined) this.#initializeInstance(live, this.#config);
    this.#live = live;
    return live;
  }

  #initializeInstance(live: LiveInstance, config: Uint8Array): void {
    const initialize = live.exports.Initialize;
    if (initialize === undefined) return;
    let status: number;
    try {
      status = this.#guard(live, 'Initialize', () =>
        live.transport.withBytes(config, (pointer) => initialize(pointer, config.length)),
      );
    } catch (error) {
      throw new PluginError(
        'PLUGIN_INIT_FAILED',
        `Initialize failed: ${(error as Error).message}`,
        { cause: error },
      );
    }
    if (status !== 0)
      throw new PluginError('PLUGIN_INIT_FAILED', `Initialize returned ${status}`, {
        pluginCode: status,
      });
  }

  #guard<T>(live: LiveInstance, during: string, run: () => T): T {
    try {
      return run();
    } catch (error) {
      throw trapError(error, live.exports.memory, this.#maxPages, during);
    }
  }
}

/**
 * Compiles the module with its memory capped, and metered when `metered`, and checks its
 * imports, without running any of its code: what can be known about an untrusted module
 * before it runs (in a worker, say).
 */
export async function compileWasmModule(
  artifact: LoadedArtifact,
  options: ResolvedLoadOptions,
  metered: boolean,
): Promise<WebAssembly.Module> {
  const capped = capMemory(artifact.bytes, options.maxMemoryPages);
  // The rewrite assumes a valid module: an invalid one whose index one past the end would name
  // what metering appends (the counter global, the charge function) must stay invalid.
  const bytes = metered && WebAssembly.validate(capped) ? meter(capped) : capped;
  let module: WebAssembly.Module;
  try {
    module = await WebAssembly.compile(bytes);
  } catch (error) {
    // The bytes are no valid module (truncated, corrupt): the artifact's fault, like a bad header.
    throw new PluginError(
      'PLUGIN_FORMAT_INVALID',
      `invalid Wasm module: ${(error as Error).message}`,
      { cause: error },
    );
  }
  checkImports(module, metered);
  return module;
}

/** Instantiates a compiled module on this thread, checks its exports and reads PluginInfo. */
export function createWasmCore(module: WebAssembly.Module, settings: WasmCoreSettings): PluginCore {
  return new WasmPluginCore(module, settings);
}

/**
 * Compiles once (with memory capped, metered unless `metering` is off), checks imports and
 * exports, reads PluginInfo: the plugin runs on this thread.
 */
export async function openWasmPlugin(
  artifact: LoadedArtifact,
  options: ResolvedLoadOptions,
): Promise<PluginCore> {
  const module = await compileWasmModule(artifact, options, options.metering);
  const settings = {
    fileName: artifact.fileName,
    maxMemoryPages: options.maxMemoryPages,
    maxOutputBytes: options.maxOutputBytes,
  };
  return createWasmCore(
    module,
    options.metering ? { ...settings, meterTimeoutMs: options.timeoutMs } : settings,
  );
}
