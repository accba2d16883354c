import koffi from 'koffi';
import {
  DEFAULT_OUTPUT_CAPACITY,
  type FunctionConvention,
  type FunctionsAdapter,
} from '../../../adapter-options.js';
import { PluginError } from '../../../errors.js';
import type { LoadedArtifact } from '../../../loaded-artifact.js';
import type { PluginCore } from '../../../managed-plugin.js';
import type { ResolvedLoadOptions } from '../../../options.js';
import type { PluginInfo } from '../../../plugin.js';
import { decodeNulTerminated, parsePluginInfo } from '../../../plugin-info.js';
import { copyFrom, loadLibc } from '../libc.js';
import type { ShadowLoadedLibrary } from '../shadow-load.js';
import { declaredInfo } from './adapter-info.js';
import { CStringInput, configString } from './c-string.js';
import { GuardedOutput } from './guarded-output.js';
import {
  bindPrototype,
  checkProcess,
  checkRole,
  type Parsed,
  parsePrototype,
  type ROLE_SHAPES,
} from './prototypes.js';

type Fn = (...args: unknown[]) => unknown;
type Process = (input: Uint8Array) => Uint8Array;

function callFailed(name: string, status: unknown): PluginError {
  const code = typeof status === 'number' ? status : undefined;
  return new PluginError('PLUGIN_CALL_FAILED', `${name} returned ${String(status)}`, {
    ...(code !== undefined && { pluginCode: code }),
  });
}

/** A bool result reads true = success, an int 0 = success, void always succeeds. */
function succeeded(result: unknown): boolean {
  return result === undefined || result === true || result === 0;
}

function bufferLengthPointer(fn: Fn, parsed: Parsed, output: GuardedOutput): Process {
  const size = parsed.args[3]!.pointee!.size;
  const box = Buffer.alloc(8);
  return (input) => {
    if (size === 4) box.writeUInt32LE(output.capacity);
    else box.writeBigUInt64LE(BigInt(output.capacity));
    const status = fn(input, input.length, output.buffer, box);
    output.check(parsed.name);
    if (status !== 0) throw callFailed(parsed.name, status);
    const length =
      size === 4
        ? parsed.args[3]!.pointee!.signed
          ? box.readInt32LE()
          : box.readUInt32LE()
        : Number(box.readBigInt64LE());
    if (length < 0 || length > output.capacity)
      throw new PluginError(
        'PLUGIN_ABI_VIOLATION',
        `${parsed.name} reported ${length} output bytes, its buffer holds ${output.capacity}`,
        { details: { length, capacity: output.capacity } },
      );
    return output.slice(length);
  };
}

function stringBuffer(fn: Fn, parsed: Parsed, output: GuardedOutput): Process {
  const text = new CStringInput();
  const withCapacity = parsed.args.length === 3;
  return (input) => {
    const encoded = text.encode(input);
    output.buffer[0] = 0;
    const status = withCapacity
      ? fn(encoded, output.buffer, output.capacity)
      : fn(encoded, output.buffer);
    output.check(parsed.name);
    if (!succeeded(status)) throw callFailed(parsed.name, status);
    return output.cString(parsed.name);
  };
}

/** The NUL-terminated string at `pointer`, copied: strlen and memcpy (koffi.decode leaks a little per call). */
function copyCString(pointer: unknown): Uint8Array {
  const libc = loadLibc();
  if (libc === null) return new Uint8Array(koffi.decode(pointer, 'uint8_t', -1) as Uint8Array);
  return copyFrom(libc, pointer, Number(libc.strlen(pointer)));
}

function stringReturned(fn: Fn, parsed: Parsed, release: Fn): Process {
  const text = new CStringInput();
  return (input) => {
    const pointer = fn(text.encode(input));
    if (pointer === null) throw callFailed(parsed.name, 'NULL');
    try {
      return copyCString(pointer);
    } finally {
      release(pointer);
    }
  };
}

interface Bound {
  readonly process: Process;
  readonly init: { fn: Fn; parsed: Parsed } | undefined;
  readonly cleanup: Fn | undefined;
  readonly info: Fn | undefined;
}

function bindRole(
  loaded: ShadowLoadedLibrary,
  text: string | undefined,
  role: keyof typeof ROLE_SHAPES,
): { fn: Fn; parsed: Parsed } | undefined {
  if (text === undefined) return undefined;
  const parsed = parsePrototype(loaded.library, role, text);
  checkRole(parsed, role);
  return { fn: bindPrototype(loaded.library, parsed), parsed };
}

function bindAll(loaded: ShadowLoadedLibrary, adapter: FunctionsAdapter): Bound {
  const parsed = parsePrototype(loaded.library, 'process', adapter.process);
  const convention: FunctionConvention = adapter.convention;
  checkProcess(parsed, convention);
  const fn = bindPrototype(loaded.library, parsed);
  const capacity = adapter.outputCapacity ?? DEFAULT_OUTPUT_CAPACITY;
  let process: Process;
  if (convention === 'string-returned')
    process = stringReturned(fn, parsed, bindRole(loaded, adapter.free, 'free')!.fn);
  else if (convention === 'string-buffer')
    process = stringBuffer(fn, parsed, new GuardedOutput(capacity));
  else process = bufferLengthPointer(fn, parsed, new GuardedOutput(capacity));
  return {
    process,
    init: bindRole(loaded, adapter.init, 'init'),
    cleanup: bindRole(loaded, adapter.cleanup, 'cleanup')?.fn,
    info: bindRole(loaded, adapter.info, 'info')?.fn,
  };
}

/**
 * Flat C exports declared by prototype behind the PluginCore contract. After an output overrun
 * the library's state is started afresh (init again, with the same config) before the next call.
 */
export class FunctionsCore implements PluginCore {
  readonly backend = 'native' as const;
  readonly info: PluginInfo;
  readonly exports: readonly string[];
  readonly #loaded: ShadowLoadedLibrary;
  readonly #bound: Bound;
  readonly #maxOutputBytes: number;
  #config: Uint8Array | undefined;
  #initialized = false;
  #stale = false;

  constructor(loaded: ShadowLoadedLibrary, artifact: LoadedArtifact, options: ResolvedLoadOptions) {
    const adapter = options.adapter as FunctionsAdapter;
    this.#loaded = loaded;
    this.#bound = bindAll(loaded, adapter);
    this.#maxOutputBytes = options.maxOutputBytes;
    const { init, cleanup, info } = this.#bound;
    this.exports = [
      'ProcessData',
      ...(init ? ['Initialize'] : []),
      ...(cleanup ? ['Cleanup'] : []),
      ...(info ? ['PluginInfo'] : []),
    ];
    this.info =
      info === undefined
        ? declaredInfo(adapter.pluginInfo, artifact.fileName)
        : this.#readInfo(info);
  }

  #readInfo(info: Fn): PluginInfo {
    const pointer = info();
    if (pointer === null)
      throw new PluginError('PLUGIN_INFO_INVALID', 'the info function returned a null pointer');
    const bytes = koffi.decode(pointer, 'uint8_t', -1) as Uint8Array;
    const terminated = new Uint8Array(bytes.length + 1);
    terminated.set(bytes);
    return parsePluginInfo(decodeNulTerminated(terminated));
  }

  initialize(config: Uint8Array): void {
    this.#config = config;
    const init = this.#bound.init;
    if (init === undefined) return;
    const { fn, parsed } = init;
    let result: unknown;
    if (parsed.args.length === 0) result = fn();
    else if (parsed.args.length === 1) result = fn(configString(config));
    else result = fn(Buffer.from(config), config.length);
    if (!succeeded(result))
      throw new PluginError('PLUGIN_INIT_FAILED', `${parsed.name} returned ${String(result)}`, {
        ...(typeof result === 'number' && { pluginCode: result }),
      });
    this.#initialized = true;
  }

  call(input: Uint8Array): Uint8Array {
    if (this.#stale) {
      this.#stale = false;
      this.initialize(this.#config ?? new Uint8Array(0));
    }
    let output: Uint8Array;
    try {
      output = this.#bound.process(input);
    } catch (error) {
      if ((error as PluginError).details?.instanceDiscarded === true) this.#stale = true;
      throw error;
    }
    if (output.length > this.#maxOutputBytes)
      throw new PluginError(
        'PLUGIN_OUTPUT_TOO_LARGE',
        `output of ${output.length} bytes exceeds maxOutputBytes ${this.#maxOutputBytes}`,
      );
    return output;
  }

  dispose(): void {
    try {
      if (this.#initialized) this.#bound.cleanup?.();
    } finally {
      this.#loaded.release();
    }
  }
}
