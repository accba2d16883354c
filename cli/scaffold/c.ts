import {
  casesJson,
  FIND_TWINPLUG,
  GITIGNORE,
  packageJson,
  pluginJson,
  type Scaffold,
  workflow,
} from './files.js';

function source(name: string): string {
  return `/* ${name}: reverses its input's bytes and logs each call (the "log" grant in plugin.json).
 * One source, two builds (build.sh) against twinplug's C PDK: a native library with cc and a
 * Wasm module with clang --target=wasm32 (docs/authoring.md). */
#define TWINPLUG_HOST_IMPLEMENTATION /* natively: defines twinplug_set_host, for tp_log */
#include "twinplug.h"

const char *TP_CALL PluginInfo(void)
{
    return "{\\"name\\":\\"${name}\\",\\"version\\":\\"0.1.0\\",\\"abi\\":1,"
           "\\"description\\":\\"reverses its input\\"}";
}

int32_t TP_CALL ProcessData(const uint8_t *in, uint32_t in_len, uint8_t *out, uint32_t out_cap,
                            uint32_t *out_len)
{
    static const char line[] = "reversed the input";
    *out_len = in_len;
    if (out_cap < in_len) /* the host calls again with room: log only then */
        return TP_BUFFER_TOO_SMALL;
    for (uint32_t i = 0; i < in_len; i++)
        out[i] = in[in_len - 1 - i];
    tp_log(TP_LOG_INFO, line, sizeof line - 1); /* a line over the host's rate is dropped */
    return TP_OK;
}
`;
}

function buildScript(name: string): string {
  return `#!/bin/sh
# Builds ${name}'s twins beside this script against twinplug's C PDK (node_modules/twinplug/pdk/c
# after npm install; TWINPLUG_DIR names another copy of the package): the native library with
# \${CC:-cc} and the Wasm module with \${CLANG:-clang} (wasm32 and wasm-ld: apt-get install clang lld).
set -eu
cd "$(dirname "$0")"
${FIND_TWINPLUG}pdk="$twinplug/pdk/c"
case "$(uname -s)" in
  Darwin) ext=dylib ;;
  MINGW* | MSYS* | CYGWIN*) ext=dll ;;
  *) ext=so ;;
esac
built=0
if command -v "\${CC:-cc}" >/dev/null 2>&1; then
  "\${CC:-cc}" -std=c11 -O2 -shared -fPIC -fvisibility=hidden -Wall -Wextra -I "$pdk" \\
    src/${name}.c -o ${name}.$ext
  built=$((built + 1))
else
  echo "no C compiler (\${CC:-cc}): skipping ${name}.$ext" >&2
fi
if command -v "\${CLANG:-clang}" >/dev/null 2>&1; then
  "\${CLANG:-clang}" --target=wasm32 -std=c11 -O2 -nostdlib -mbulk-memory -Wall -Wextra \\
    -Wl,--no-entry -Wl,--stack-first -I "$pdk" src/${name}.c "$pdk/twinplug_wasm.c" -o ${name}.wasm
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
