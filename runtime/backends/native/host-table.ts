// Host API v1 for native plugins: the `tp_host_v1` table of koffi callbacks (twinplug.h),
// generated from HOST_API_V1 and handed to the plugin's `twinplug_set_host` before Initialize.
// The plugin copies the table; the callbacks stay registered until the library is unloaded.
import koffi from 'koffi';
import {
  cPrototype,
  HOST_FUNCTION_NAMES,
  HOST_TABLE_VERSION,
  type HostFunctionName,
} from '../../host/api.js';
import { HostGlue } from '../../host/host-glue.js';
import { KeptAnswer } from '../../host/kept-answer.js';
import type { HostLink } from '../../host/link.js';
import { nativeCallHost } from './native-call-host.js';
import { NativeMemory } from './native-memory.js';
import type { KoffiLibrary } from './shadow-load.js';

type KoffiType = ReturnType<typeof koffi.proto>;

let types: { protos: Record<HostFunctionName, KoffiType>; table: KoffiType } | undefined;

/** koffi's named types are process-wide: declared once. */
function tableTypes() {
  if (types !== undefined) return types;
  const protos = {} as Record<HostFunctionName, KoffiType>;
  const fields: Record<string, unknown> = { version: 'uint32_t', size: 'uint32_t' };
  for (const name of HOST_FUNCTION_NAMES) {
    protos[name] = koffi.proto(cPrototype(name));
    fields[name] = koffi.pointer(protos[name]);
  }
  types = { protos, table: koffi.struct('tp_host_v1', fields as never) };
  return types;
}

/** The callbacks of one native plugin, registered with koffi until {@link release}. */
export class NativeHostTable {
  readonly #registered: bigint[] = [];

  /** Binds `twinplug_set_host` when the library exports it and hands it the table; else nothing. */
  static install(library: KoffiLibrary, link: HostLink): NativeHostTable | undefined {
    tableTypes();
    let setHost: (table: unknown) => void;
    try {
      setHost = library.func('void twinplug_set_host(const tp_host_v1 *host)') as never;
    } catch {
      return undefined;
    }
    const table = new NativeHostTable();
    try {
      setHost(table.#build(link));
    } catch (error) {
      table.release();
      throw error;
    }
    return table;
  }

  #build(link: HostLink): Record<string, unknown> {
    const { protos, table } = tableTypes();
    const memory = new NativeMemory();
    const kept = new KeptAnswer();
    const functions = {
      ...new HostGlue(link, memory, kept).functions(),
      call_host: nativeCallHost(link, memory, kept),
    };
    const value: Record<string, unknown> = {
      version: HOST_TABLE_VERSION,
      size: koffi.sizeof(table),
    };
    for (const name of HOST_FUNCTION_NAMES) {
      const pointer = koffi.register(functions[name], koffi.pointer(protos[name]));
      this.#registered.push(pointer);
      value[name] = pointer;
    }
    return value;
  }

  /** Unregisters the callbacks: only once the library that holds their addresses is gone. */
  release(): void {
    for (const pointer of this.#registered.splice(0)) koffi.unregister(pointer);
  }
}
