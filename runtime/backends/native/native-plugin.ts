import { type ProcessDataTransport, runProcessData } from '../../call-protocol.js';
import { PluginError } from '../../errors.js';
import type { HostLink } from '../../host/link.js';
import type { LoadedArtifact } from '../../loaded-artifact.js';
import type { PluginCore } from '../../managed-plugin.js';
import type { CallingConvention, ResolvedLoadOptions } from '../../options.js';
import type { PluginInfo } from '../../plugin.js';
import { defaultPluginInfo, parsePluginInfo } from '../../plugin-info.js';
import { openAdaptedCore } from './adapters/index.js';
import { NativeHostTable } from './host-table.js';
import { type KoffiLibrary, loadFromShadowCopy, type ShadowLoadedLibrary } from './shadow-load.js';

type KoffiFunction = ReturnType<KoffiLibrary['func']>;

// Buffers are declared void * rather than uint8_t *: koffi then passes a typed array's memory
// as it is, without the per-element type handling of typed pointers (about 25 ns a call).
const SIGNATURES = {
  ProcessData:
    'int32_t %CC%ProcessData(void *in, uint32_t in_len, void *out, uint32_t out_cap, void *out_len)',
  PluginInfo: 'const char *%CC%PluginInfo(void)',
  Initialize: 'int32_t %CC%Initialize(void *config, uint32_t len)',
  Cleanup: 'void %CC%Cleanup(void)',
} as const;

type ExportName = keyof typeof SIGNATURES;

/** Output buffers above this size are not kept between calls. */
const RETAINED_OUTPUT_BYTES = 4 * 1024 * 1024;

function bindExport(
  library: KoffiLibrary,
  name: ExportName,
  convention: CallingConvention,
): KoffiFunction | undefined {
  const prototype = SIGNATURES[name].replace('%CC%', convention === 'stdcall' ? '__stdcall ' : '');
  try {
    return library.func(prototype);
  } catch {
    return undefined;
  }
}

/** Calls ProcessData through koffi with an output buffer kept between calls. */
class NativeTransport implements ProcessDataTransport {
  readonly #processData: KoffiFunction;
  #output = new Uint8Array(4096);
  readonly #outLen = new Uint32Array(1);

  constructor(processData: KoffiFunction) {
    this.#processData = processData;
  }

  invoke(input: Uint8Array, outCap: number): number {
    if (outCap > this.#output.length) this.#output = new Uint8Array(outCap);
    this.#outLen[0] = 0;
    return this.#processData(input, input.length, this.#output, outCap, this.#outLen) as number;
  }

  outLen(): number {
    return this.#outLen[0]!;
  }

  takeOutput(length: number): Uint8Array {
    const output = this.#output.slice(0, length);
    if (this.#output.length > RETAINED_OUTPUT_BYTES) this.#output = new Uint8Array(4096);
    return output;
  }
}

class NativePluginCore implements PluginCore {
  readonly backend = 'native' as const;
  readonly info: PluginInfo;
  readonly exports: readonly string[];
  readonly #loaded: ShadowLoadedLibrary;
  readonly #functions: Partial<Record<ExportName, KoffiFunction>>;
  readonly #transport: NativeTransport;
  readonly #maxOutputBytes: number;
  readonly #hostTable: NativeHostTable | undefined;
  #initialized = false;

  constructor(
    loaded: ShadowLoadedLibrary,
    artifact: LoadedArtifact,
    options: ResolvedLoadOptions,
    link: HostLink,
  ) {
    this.#loaded = loaded;
    this.#maxOutputBytes = options.maxOutputBytes;
    this.#functions = {};
    for (const name of Object.keys(SIGNATURES) as ExportName[]) {
      const bound = bindExport(loaded.library, name, options.callingConvention);
      if (bound !== undefined) this.#functions[name] = bound;
    }
    this.exports = Object.keys(this.#functions);
    const processData = this.#functions.ProcessData;
    if (processData === undefined) {
      throw new PluginError('PLUGIN_EXPORT_MISSING', 'native library does not export ProcessData', {
        details: { export: 'ProcessData' },
      });
    }
    this.#transport = new NativeTransport(processData);
    this.info = this.#readInfo(artifact.fileName);
    this.#hostTable = NativeHostTable.install(loaded.library, link);
  }

  #readInfo(fileName: string): PluginInfo {
    const pluginInfo = this.#functions.PluginInfo;
    if (pluginInfo === undefined) return defaultPluginInfo(fileName);
    const text: unknown = pluginInfo();
    if (typeof text !== 'string')
      throw new PluginError('PLUGIN_INFO_INVALID', 'PluginInfo returned a null pointer');
    return parsePluginInfo(text);
  }

  initialize(config: Uint8Array): void {
    const initialize = this.#functions.Initialize;
    if (initialize === undefined) return;
    const status = initialize(config, config.length) as number;
    if (status !== 0) {
      throw new PluginError('PLUGIN_INIT_FAILED', `Initialize returned ${status}`, {
        pluginCode: status,
      });
    }
    this.#initialized = true;
  }

  call(input: Uint8Array): Uint8Array {
    return runProcessData(this.#transport, input, this.#maxOutputBytes);
  }

  dispose(): void {
    try {
      if (this.#initialized) this.#functions.Cleanup?.();
    } finally {
      try {
        this.#loaded.release();
      } finally {
        this.#hostTable?.release();
      }
    }
  }
}

/** Loads a native library from a private shadow copy and binds the ABI exports. */
export function openNativePlugin(
  artifact: LoadedArtifact,
  options: ResolvedLoadOptions,
  link: HostLink,
): PluginCore {
  const loaded = loadFromShadowCopy(artifact, options);
  try {
    return options.adapter === undefined
      ? new NativePluginCore(loaded, artifact, options, link)
      : openAdaptedCore(loaded, artifact, options);
  } catch (error) {
    loaded.release();
    throw error;
  }
}
