import { casesJson, GITIGNORE, packageJson, pluginJson, type Scaffold, workflow } from './files.js';

function source(name: string): string {
  return `// ${name}: reverses its input's bytes. The twinplug ABI (docs/abi.md): PluginInfo,
// ProcessData with its two-call output protocol, and alloc/dealloc for the host.
const TP_OK: i32 = 0;
const TP_BUFFER_TOO_SMALL: i32 = 1;

// A global, so the GC keeps it and the pointer handed to the host stays valid.
const INFO = String.UTF8.encode(
  '{"name":"${name}","version":"0.1.0","abi":1,"description":"reverses its input"}',
  true,
);

export function PluginInfo(): usize {
  return changetype<usize>(INFO);
}

export function ProcessData(inPtr: usize, inLen: u32, outPtr: usize, outCap: u32, outLenPtr: usize): i32 {
  store<u32>(outLenPtr, inLen);
  if (outCap < inLen) return TP_BUFFER_TOO_SMALL;
  for (let i: usize = 0; i < <usize>inLen; i++) {
    store<u8>(outPtr + i, load<u8>(inPtr + <usize>inLen - 1 - i));
  }
  return TP_OK;
}

/** Memory the host writes inputs into and reads outputs from: unmanaged, never moved by the GC. */
export function alloc(size: u32): usize {
  if (size > (1 << 30) - 16) return 0;
  return heap.alloc(<usize>size);
}

export function dealloc(ptr: usize, size: u32): void {
  heap.free(ptr);
}
`;
}

export function assemblyScriptScaffold(name: string): Scaffold {
  const build = `asc assembly/index.ts -o ${name}.wasm -O3 --runtime incremental`;
  return {
    files: new Map([
      ['assembly/index.ts', source(name)],
      ['package.json', packageJson(name, build, { assemblyscript: '^0.28.20' })],
      ['plugin.json', pluginJson()],
      ['cases.json', casesJson(name)],
      ['.github/workflows/conformance.yml', workflow('')],
      ['.gitignore', GITIGNORE],
    ]),
    executables: [],
  };
}
