import { DEFAULT_OUTPUT_CAPACITY, type IModuleAdapter } from '../../../adapter-options.js';
import { PluginError } from '../../../errors.js';
import type { LoadedArtifact } from '../../../loaded-artifact.js';
import type { PluginCore } from '../../../managed-plugin.js';
import type { ResolvedLoadOptions } from '../../../options.js';
import type { PluginInfo } from '../../../plugin.js';
import type { KoffiLibrary, ShadowLoadedLibrary } from '../shadow-load.js';
import { declaredInfo, exportMissing } from './adapter-info.js';
import { CStringInput, configString } from './c-string.js';
import { GuardedOutput } from './guarded-output.js';
import { type BoundSlots, bindSlots, checkThisCallPlatform, vtableLayout } from './vtable.js';

type Fn = (...args: unknown[]) => unknown;

/** One object the factory made, with its slots bound. */
interface Instance {
  readonly object: unknown;
  readonly slots: BoundSlots;
  initialized: boolean;
}

function bindExport(
  library: KoffiLibrary,
  convention: string,
  name: string,
  result: string,
  args: string[],
): Fn {
  try {
    return convention === 'stdcall'
      ? library.func('__stdcall', name, result, args)
      : library.func(name, result, args);
  } catch (error) {
    throw exportMissing(name, error);
  }
}

/**
 * A C++ `IModule` behind the PluginCore contract: the factory makes an object, Initialize gets
 * the config as a NUL-terminated string, ProcessData a NUL-terminated input and a guarded
 * output buffer. An instance that writes past the buffer is destroyed without Cleanup, and the
 * next call gets a fresh one, initialised with the same config.
 */
export class IModuleCore implements PluginCore {
  readonly backend = 'native' as const;
  readonly info: PluginInfo;
  readonly exports = ['ProcessData', 'Initialize', 'Cleanup'] as const;
  readonly #loaded: ShadowLoadedLibrary;
  readonly #adapter: IModuleAdapter;
  readonly #factory: Fn;
  readonly #destroy: Fn | undefined;
  readonly #output: GuardedOutput;
  readonly #input = new CStringInput();
  readonly #lengthResult: boolean;
  readonly #maxOutputBytes: number;
  #config: Buffer = Buffer.alloc(1);
  #instance: Instance | undefined;

  constructor(loaded: ShadowLoadedLibrary, artifact: LoadedArtifact, options: ResolvedLoadOptions) {
    checkThisCallPlatform();
    const adapter = options.adapter as IModuleAdapter;
    const convention = options.callingConvention;
    this.#loaded = loaded;
    this.#adapter = adapter;
    this.#factory = bindExport(
      loaded.library,
      convention,
      adapter.factory ?? 'CreateModule',
      'void *',
      [],
    );
    this.#destroy =
      adapter.destroy === undefined
        ? undefined
        : bindExport(loaded.library, convention, adapter.destroy, 'void', ['void *']);
    this.#output = new GuardedOutput(adapter.outputCapacity ?? DEFAULT_OUTPUT_CAPACITY);
    this.#lengthResult = adapter.result === 'length';
    this.#maxOutputBytes = options.maxOutputBytes;
    this.info = declaredInfo(adapter.info, artifact.fileName);
  }

  initialize(config: Uint8Array): void {
    this.#config = configString(config);
    this.#instance = this.#create();
  }

  call(input: Uint8Array): Uint8Array {
    const instance = this.#instance ?? this.#create();
    this.#instance = instance;
    const text = this.#input.encode(input);
    const output = this.#output;
    output.buffer[0] = 0;
    const result = instance.slots.processData(instance.object, text, output.buffer) as number;
    try {
      output.check('IModule::ProcessData');
    } catch (error) {
      // Destroyed (its memory back) but not cleaned up: the next call gets a fresh object.
      this.#instance = undefined;
      this.#release(instance.object, instance.slots);
      throw error;
    }
    return this.#lengthResult ? this.#byLength(result) : this.#byStatus(result);
  }

  #byStatus(status: number): Uint8Array {
    if (status !== 0)
      throw new PluginError('PLUGIN_CALL_FAILED', `IModule::ProcessData returned ${status}`, {
        pluginCode: status,
      });
    return this.#bounded(this.#output.cString('IModule::ProcessData'));
  }

  #byLength(length: number): Uint8Array {
    if (length < 0)
      throw new PluginError('PLUGIN_CALL_FAILED', `IModule::ProcessData returned ${length}`, {
        pluginCode: length,
      });
    if (length > this.#output.capacity)
      throw new PluginError(
        'PLUGIN_ABI_VIOLATION',
        `IModule::ProcessData returned length ${length}, past its ${this.#output.capacity}-byte buffer`,
        { details: { length, capacity: this.#output.capacity } },
      );
    return this.#bounded(this.#output.slice(length));
  }

  #bounded(output: Uint8Array): Uint8Array {
    if (output.length > this.#maxOutputBytes)
      throw new PluginError(
        'PLUGIN_OUTPUT_TOO_LARGE',
        `output of ${output.length} bytes exceeds maxOutputBytes ${this.#maxOutputBytes}`,
      );
    return output;
  }

  #create(): Instance {
    const object = this.#factory();
    const factory = this.#adapter.factory ?? 'CreateModule';
    if (object === null || object === undefined)
      throw new PluginError('PLUGIN_INIT_FAILED', `${factory} returned NULL`);
    let instance: Instance;
    try {
      instance = {
        object,
        slots: bindSlots(object, vtableLayout(this.#adapter)),
        initialized: false,
      };
    } catch (error) {
      this.#release(object, undefined);
      throw error;
    }
    if (instance.slots.initialize(object, this.#config) !== true) {
      this.#release(object, instance.slots);
      throw new PluginError('PLUGIN_INIT_FAILED', 'IModule::Initialize returned false');
    }
    instance.initialized = true;
    return instance;
  }

  /** Frees an object through the declared destroy export, else its virtual destructor, else not at all. */
  #release(object: unknown, slots: BoundSlots | undefined): void {
    if (this.#destroy !== undefined) this.#destroy(object);
    else slots?.delete?.(object);
  }

  dispose(): void {
    const instance = this.#instance;
    this.#instance = undefined;
    try {
      if (instance !== undefined) {
        if (instance.initialized) instance.slots.cleanup(instance.object);
        this.#release(instance.object, instance.slots);
      }
    } finally {
      this.#loaded.release();
    }
  }
}
