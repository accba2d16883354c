import { instantiateSync } from '@assemblyscript/loader';
import { PluginError } from '../../errors.js';
import { METER_IMPORT } from './metering/index.js';

/** An AssemblyScript `abort()` raised inside a plugin, with where it came from. */
export class WasmAbort extends Error {
  constructor(
    readonly abortMessage: string,
    readonly file: string,
    readonly line: number,
    readonly column: number,
  ) {
    super(`abort: ${abortMessage} at ${file}:${line}:${column}`);
  }
}

const ASSEMBLYSCRIPT_ABORT = { module: 'env', name: 'abort', kind: 'function' } as const;

function isAssemblyScriptAbort(entry: WebAssembly.ModuleImportDescriptor): boolean {
  return (
    entry.module === ASSEMBLYSCRIPT_ABORT.module &&
    entry.name === ASSEMBLYSCRIPT_ABORT.name &&
    entry.kind === ASSEMBLYSCRIPT_ABORT.kind
  );
}

/** The meter's import, which the runtime adds itself when it meters a module. */
function isMeterCheck(entry: WebAssembly.ModuleImportDescriptor): boolean {
  return (
    entry.module === METER_IMPORT.module &&
    entry.name === METER_IMPORT.name &&
    entry.kind === 'function'
  );
}

/**
 * Refuses a module that imports anything but `env.abort` (AssemblyScript's) and, in a module
 * the runtime metered, the meter's check, naming the import. Returns whether the module is an
 * AssemblyScript one (it imports env.abort).
 */
export function checkImports(
  module: WebAssembly.Module,
  metered: boolean,
): { assemblyScript: boolean } {
  let assemblyScript = false;
  for (const entry of WebAssembly.Module.imports(module)) {
    if (isAssemblyScriptAbort(entry)) {
      assemblyScript = true;
      continue;
    }
    if (metered && isMeterCheck(entry)) continue;
    throw new PluginError(
      'PLUGIN_IMPORT_UNSUPPORTED',
      `module imports ${entry.kind} "${entry.module}.${entry.name}", which the runtime does not provide`,
      {
        details: { module: entry.module, name: entry.name, kind: entry.kind },
      },
    );
  }
  return { assemblyScript };
}

/**
 * Creates an instance. AssemblyScript modules go through @assemblyscript/loader, whose string
 * reader turns an abort's message and file pointers into a {@link WasmAbort}.
 */
export function instantiate(
  module: WebAssembly.Module,
  assemblyScript: boolean,
  runtimeImports: WebAssembly.Imports,
): WebAssembly.Instance {
  if (!assemblyScript) return new WebAssembly.Instance(module, runtimeImports);
  let readString: (pointer: number) => string = () => '<unknown>';
  const abort = (message: number, file: number, line: number, column: number): never => {
    const text = (pointer: number) => {
      try {
        return pointer === 0 ? '' : readString(pointer);
      } catch {
        return '<unreadable>';
      }
    };
    throw new WasmAbort(text(message), text(file), line, column);
  };
  const result = instantiateSync(module, { ...runtimeImports, env: { abort } });
  readString = result.exports.__getString;
  return result.instance;
}
