import { instantiateSync } from '@assemblyscript/loader';

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

/** Whether the module is an AssemblyScript one: it imports `env.abort`. */
export function isAssemblyScript(module: WebAssembly.Module): boolean {
  return WebAssembly.Module.imports(module).some(
    (entry) => entry.module === 'env' && entry.name === 'abort' && entry.kind === 'function',
  );
}

/**
 * Creates an instance. AssemblyScript modules go through @assemblyscript/loader, whose string
 * reader turns an abort's message and file pointers into a {@link WasmAbort}.
 */
export function instantiate(
  module: WebAssembly.Module,
  assemblyScript: boolean,
  hostImports: Record<string, Record<string, unknown>>,
): WebAssembly.Instance {
  if (!assemblyScript) return new WebAssembly.Instance(module, hostImports as WebAssembly.Imports);
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
  const result = instantiateSync(module, { ...hostImports, env: { abort } });
  readString = result.exports.__getString;
  return result.instance;
}
