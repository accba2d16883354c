import { casesJson, GITIGNORE, packageJson, pluginJson, type Scaffold, workflow } from './files.js';

function source(name: string): string {
  return `// ${name}: reverses its input's bytes and logs each call (the "log" grant in plugin.json),
// through twinplug's AssemblyScript PDK (docs/authoring.md), which asc finds in
// node_modules/twinplug after npm install.
import {
  definePluginInfo,
  log,
  LOG_INFO,
  TP_BUFFER_TOO_SMALL,
  TP_OK,
} from "twinplug/pdk/assemblyscript";

// Only the entry file's exports become the module's: the host's allocator and PluginInfo come
// from the PDK.
export { alloc, dealloc, PluginInfo } from "twinplug/pdk/assemblyscript";

// What PluginInfo returns; this runs when the module is instantiated.
definePluginInfo("${name}", "0.1.0", "reverses its input");

export function ProcessData(
  inPtr: usize,
  inLen: u32,
  outPtr: usize,
  outCap: u32,
  outLenPtr: usize,
): i32 {
  store<u32>(outLenPtr, inLen);
  // The host calls again with room: log only then.
  if (outCap < inLen) return TP_BUFFER_TOO_SMALL;
  for (let i: usize = 0; i < <usize>inLen; i++) {
    store<u8>(outPtr + i, load<u8>(inPtr + <usize>inLen - 1 - i));
  }
  log(LOG_INFO, "reversed " + inLen.toString() + " bytes");
  return TP_OK;
}
`;
}

// For editors: AssemblyScript's types instead of the DOM's.
const TSCONFIG = `${JSON.stringify({ extends: 'assemblyscript/std/assembly.json', include: ['./**/*.ts'] }, null, 2)}\n`;

export function assemblyScriptScaffold(name: string): Scaffold {
  const build = `asc assembly/index.ts -o ${name}.wasm -O3 --runtime incremental`;
  return {
    files: new Map([
      ['assembly/index.ts', source(name)],
      ['assembly/tsconfig.json', TSCONFIG],
      ['package.json', packageJson(name, build, { assemblyscript: '^0.28.20' })],
      ['plugin.json', pluginJson()],
      ['cases.json', casesJson(name)],
      ['.github/workflows/conformance.yml', workflow('')],
      ['.gitignore', GITIGNORE],
    ]),
    executables: [],
  };
}
