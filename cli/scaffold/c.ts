import { readFileSync } from 'node:fs';
import { casesJson, GITIGNORE, packageJson, pluginJson, type Scaffold, workflow } from './files.js';

/** The package's C files (plugins-dll/ is shipped): dist/cli/scaffold/ or cli/scaffold/ up to the root. */
function shipped(path: string): string {
  for (const up of ['../../../', '../../']) {
    try {
      return readFileSync(new URL(`${up}${path}`, import.meta.url), 'utf8');
    } catch {
      // not this level: try the next one
    }
  }
  throw new Error(`twinplug's ${path} is missing from the installed package`);
}

function source(name: string): string {
  return `/* ${name}: reverses its input's bytes. One source, two builds (build.sh): a native
 * library with cc and a Wasm module with clang --target=wasm32 (docs/abi.md). */
#include "twinplug.h"

const char *TP_CALL PluginInfo(void)
{
    return "{\\"name\\":\\"${name}\\",\\"version\\":\\"0.1.0\\",\\"abi\\":1,"
           "\\"description\\":\\"reverses its input\\"}";
}

int32_t TP_CALL ProcessData(const uint8_t *in, uint32_t in_len, uint8_t *out, uint32_t out_cap,
                            uint32_t *out_len)
{
    *out_len = in_len;
    if (out_cap < in_len)
        return TP_BUFFER_TOO_SMALL;
    for (uint32_t i = 0; i < in_len; i++)
        out[i] = in[in_len - 1 - i];
    return TP_OK;
}
`;
}

function buildScript(name: string): string {
  return `#!/bin/sh
# Builds ${name}'s twins beside this script: the native library with \${CC:-cc} and the Wasm
# module with \${CLANG:-clang} (wasm32 target and wasm-ld: apt-get install clang lld).
set -eu
cd "$(dirname "$0")"
case "$(uname -s)" in
  Darwin) ext=dylib ;;
  MINGW* | MSYS* | CYGWIN*) ext=dll ;;
  *) ext=so ;;
esac
built=0
if command -v "\${CC:-cc}" >/dev/null 2>&1; then
  "\${CC:-cc}" -std=c11 -O2 -shared -fPIC -Wall -Wextra -I include src/${name}.c -o ${name}.$ext
  built=$((built + 1))
else
  echo "no C compiler (\${CC:-cc}): skipping ${name}.$ext" >&2
fi
if command -v "\${CLANG:-clang}" >/dev/null 2>&1; then
  "\${CLANG:-clang}" --target=wasm32 -std=c11 -O2 -nostdlib -mbulk-memory -Wall -Wextra \\
    -Wl,--no-entry -Wl,--stack-first -I include src/${name}.c src/wasm_support.c -o ${name}.wasm
  built=$((built + 1))
else
  echo "no clang: skipping ${name}.wasm" >&2
fi
[ "$built" -gt 0 ] || { echo "nothing built" >&2; exit 1; }
`;
}

export function cScaffold(name: string): Scaffold {
  const setup = '      - run: sudo apt-get update && sudo apt-get install -y clang lld\n';
  return {
    files: new Map([
      [`src/${name}.c`, source(name)],
      ['src/wasm_support.c', shipped('pdk/c/twinplug_wasm.c')],
      ['include/twinplug.h', shipped('pdk/c/twinplug.h')],
      ['build.sh', buildScript(name)],
      ['package.json', packageJson(name, 'sh build.sh')],
      ['plugin.json', pluginJson()],
      ['cases.json', casesJson(name)],
      ['.github/workflows/conformance.yml', workflow(setup)],
      ['.gitignore', GITIGNORE],
    ]),
    executables: ['build.sh'],
  };
}
