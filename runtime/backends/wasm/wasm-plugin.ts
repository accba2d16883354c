import { runProcessData } from '../../call-protocol.js';
import { PluginError } from '../../errors.js';
import type { ResolvedGrants } from '../../host/grants.js';
import type { HostLink } from '../../host/link.js';
import type { Wasi } from '../../host/wasi.js';
import { wasmHostImports } from '../../host/wasm-imports.js';
import type { LoadedArtifact } from '../../loaded-artifact.js';
import type { PluginCore } from '../../managed-plugin.js';
import type { ResolvedLoadOptions } from '../../options.js';
import type { PluginInfo } from '../../plugin.js';
import { defaultPluginInfo, parsePluginInfo } from '../../plugin-info.js';
import { compileWasmModule } from './compile-module.js';
import { instantiate, isAssemblyScript } from './host-imports.js';
import { MeterClock } from './metering/index.js';
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
  readonly wasi: Wasi | undefined;
}

const ABI_EXPORTS: readonly string[] = [...REQUIRED_EXPORTS, ...OPTIONAL_EXPORTS];

/** What a Wasm core needs besides its compiled module: plain data, so it can cross to a worker. */
export interface WasmCoreSettings {
  /** Names a plugin without PluginInfo. */
  readonly fileName: string;
  readonly maxMemoryPages: number;
  readonly maxOutputBytes: number;
  readonly grants: ResolvedGrants;
  /** Set when the module was compiled metered: each call's time limit, which the meter enforces. */
  readonly meterTimeoutMs?: number;
}

class WasmPluginCore implements PluginCore {
  readonly backend = 'wasm' as const;
  readonly info: PluginInfo;
  readonly exports: readonly string[];
  readonly #module: WebAssembly.Module;
  readonly #assemblyScript: boolean;
  readonly #maxPages: number;
  readonly #maxOutputBytes: number;
  readonly #link: HostLink;
  readonly #grants: ResolvedGrants;
  readonly #clock: MeterClock | undefined;
  readonly #timeoutMs: number;
  #config: Uint8Array | undefined;
  #initialized = false;
  #live: LiveInstance | undefined;

  constructor(module: WebAssembly.Module, settings: WasmCoreSettings, link: HostLink) {
    this.#module = module;
    this.#link = link;
    this.#grants = settings.grants;
    this.#assemblyScript = isAssemblyScript(module);
    this.#maxPages = settings.maxMemoryPages;
    this.#maxOutputBytes = settings.maxOutputBytes;
    this.#clock = settings.meterTimeoutMs === undefined ? undefined : new MeterClock();
    this.#timeoutMs = settings.meterTimeoutMs ?? 0;
    const exported = new Set(WebAssembly.Module.exports(module).map((entry) => entry.name));
    this.exports = ABI_EXPORTS.filter((name) => exported.has(name));
    const live = this.#timed('instantiation', () => this.#instantiate());
    this.#live = live;
    const text = this.#timed('PluginInfo', () =>
      this.#guard(live, 'PluginInfo', () => readPluginInfoText(live.exports)),
    );
    this.info = text === undefined ? defaultPluginInfo(settings.fileName) : parsePluginInfo(text);
  }

  initialize(config: Uint8Array): void {
    this.#config = config;
    const live = this.#live;
    if (live !== undefined) this.#timed('Initialize', () => this.#initializeInstance(live, config));
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

  #run(input: Uint8Array): Uint8Array {
    let live = this.#live;
    try {
      live ??= this.#revive();
      return runProcessData(live.transport, input, this.#maxOutputBytes);
    } finally {
      live?.wasi?.flush();
      // A trapped instance may hold corrupt memory: the next call gets a fresh one.
      if (live?.transport.broken) this.#live = undefined;
    }
  }

  /** Runs plugin code under the call deadline when the module is metered. */
  #timed<T>(during: string, run: () => T): T {
    if (this.#clock === undefined) return run();
    return this.#clock.time(this.#timeoutMs, undefined, during, run);
  }

  memoryBytes(): number | undefined {
    return this.#live?.exports.memory.buffer.byteLength ?? 0;
  }

  dispose(): void {
    const live = this.#live;
    this.#live = undefined;
    if (live === undefined || !this.#initialized) return;
    try {
      this.#timed('Cleanup', () => live.exports.Cleanup?.());
    } catch {
      // The instance is dropped either way; a trap in Cleanup cannot leak anything out of it.
    }
  }

  #instantiate(): LiveInstance {
    const host = wasmHostImports(this.#module, this.#link, this.#grants);
    let instance: WebAssembly.Instance;
    try {
      const imports =
        this.#clock === undefined ? host.imports : { ...host.imports, ...this.#clock.imports };
      instance = instantiate(this.#module, this.#assemblyScript, imports);
    } catch (error) {
      throw new PluginError(
        'PLUGIN_LOAD_FAILED',
        `cannot instantiate Wasm module: ${(error as Error).message}`,
        { cause: error },
      );
    }
    const exports = bindExports(instance);
    host.memory.memory = exports.memory;
    const live = {
      exports,
      transport: new WasmTransport(exports, this.#maxPages),
      wasi: host.wasi,
    };
    const reactor = exports._initialize;
    if (reactor !== undefined) this.#guard(live, '_initialize', () => reactor());
    return live;
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

/** Instantiates a compiled module on this thread, checks its exports and reads PluginInfo. */
export function createWasmCore(
  module: WebAssembly.Module,
  settings: WasmCoreSettings,
  link: HostLink,
): PluginCore {
  return new WasmPluginCore(module, settings, link);
}

/**
 * Compiles (with memory capped, metered unless `metering` is off), checks imports and exports,
 * reads PluginInfo: the plugin runs on this thread.
 */
export async function openWasmPlugin(
  artifact: LoadedArtifact,
  options: ResolvedLoadOptions,
  link: HostLink,
): Promise<PluginCore> {
  const module = await compileWasmModule(artifact, options, options.metering);
  const settings = { ...options, fileName: artifact.fileName };
  return createWasmCore(
    module,
    options.metering ? { ...settings, meterTimeoutMs: options.timeoutMs } : settings,
    link,
  );
}
