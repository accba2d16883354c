// What a Wasm plugin may import: host API v1 (`twinplug_v1`) and WASI preview 1, each as granted,
// plus AssemblyScript's `env.abort`. Checked at load against the grants and the signatures;
// the import object is generated from the same tables.
import { PluginError } from '../errors.js';
import {
  type GrantName,
  HOST_API_V1,
  HOST_MODULE,
  type HostFunctionName,
  wasmParamCount,
} from './api.js';
import { grantHint, isGranted, type ResolvedGrants } from './grants.js';
import { HostGlue } from './host-glue.js';
import { importedFunctions } from './import-types.js';
import { KeptAnswer } from './kept-answer.js';
import type { HostLink } from './link.js';
import { WASI_MODULE, WASI_SIGNATURES, Wasi } from './wasi.js';
import { wasmCallHost } from './wasm-call-host.js';
import { WasmGuestMemory } from './wasm-memory.js';

const ASSEMBLYSCRIPT_ABORT = { module: 'env', name: 'abort', signature: 'iiii>' } as const;

interface Provided {
  readonly signature: string;
  readonly grant: GrantName | undefined;
}

function provided(module: string, name: string): Provided | undefined {
  if (module === HOST_MODULE && Object.hasOwn(HOST_API_V1, name)) {
    const spec = HOST_API_V1[name as HostFunctionName];
    return { signature: `${'i'.repeat(wasmParamCount(spec))}>i`, grant: spec.grant };
  }
  if (module === WASI_MODULE && Object.hasOwn(WASI_SIGNATURES, name))
    return { signature: WASI_SIGNATURES[name]!, grant: 'wasi' };
  if (module === ASSEMBLYSCRIPT_ABORT.module && name === ASSEMBLYSCRIPT_ABORT.name)
    return { signature: ASSEMBLYSCRIPT_ABORT.signature, grant: undefined };
  return undefined;
}

function unsupported(module: string, name: string, kind: string): PluginError {
  return new PluginError(
    'PLUGIN_IMPORT_UNSUPPORTED',
    `module imports ${kind} "${module}.${name}", which the runtime does not provide`,
    { details: { module, name, kind } },
  );
}

/**
 * Refuses, before any of its code runs, a module that imports what does not exist
 * (PLUGIN_IMPORT_UNSUPPORTED), with the wrong signature (PLUGIN_IMPORT_UNSUPPORTED, with both
 * signatures), or without the grant (PLUGIN_CAPABILITY_DENIED, naming the grant). `bytes` are
 * the module as built; `module` may be that module metered, whose `runtimeModule` (the meter's)
 * is the runtime's own import, not the plugin's.
 */
export function checkWasmImports(
  bytes: Uint8Array,
  module: WebAssembly.Module,
  grants: ResolvedGrants,
  runtimeModule?: string,
): void {
  for (const entry of WebAssembly.Module.imports(module)) {
    if (entry.module === runtimeModule) continue;
    if (entry.kind !== 'function' || provided(entry.module, entry.name) === undefined)
      throw unsupported(entry.module, entry.name, entry.kind);
  }
  for (const { module: from, name, signature } of importedFunctions(bytes)) {
    const offer = provided(from, name)!;
    if (signature !== offer.signature) {
      throw new PluginError(
        'PLUGIN_IMPORT_UNSUPPORTED',
        `module imports "${from}.${name}" as (${signature}), the runtime provides (${offer.signature})`,
        { details: { module: from, name, kind: 'function', signature, expected: offer.signature } },
      );
    }
    if (offer.grant !== undefined && !isGranted(grants, offer.grant)) {
      throw new PluginError(
        'PLUGIN_CAPABILITY_DENIED',
        `module imports "${from}.${name}", which needs ${grantHint(offer.grant)}`,
        { details: { module: from, name, grant: offer.grant } },
      );
    }
  }
}

/** What one instance's imports need: the link to its host and the memory set after instantiation. */
export interface WasmHostImports {
  readonly imports: Record<string, Record<string, unknown>>;
  readonly memory: WasmGuestMemory;
  /** Present when the module imports WASI: flushes stdout and stderr lines after each call. */
  readonly wasi: Wasi | undefined;
}

/** The import object for one instance, holding only the modules the module imports. */
export function wasmHostImports(
  module: WebAssembly.Module,
  link: HostLink,
  grants: ResolvedGrants,
): WasmHostImports {
  const memory = new WasmGuestMemory();
  const modules = new Set(WebAssembly.Module.imports(module).map((entry) => entry.module));
  const imports: Record<string, Record<string, unknown>> = {};
  if (modules.has(HOST_MODULE)) {
    const kept = new KeptAnswer();
    imports[HOST_MODULE] = {
      ...new HostGlue(link, memory, kept).functions(),
      call_host: wasmCallHost(link, memory, kept),
    };
  }
  let wasi: Wasi | undefined;
  if (modules.has(WASI_MODULE)) {
    wasi = new Wasi(link, memory, grants.log?.maxLineBytes ?? 4096);
    imports[WASI_MODULE] = wasi.imports();
  }
  return { imports, memory, wasi };
}
