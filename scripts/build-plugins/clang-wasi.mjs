// C samples with a real libc: clang --target=wasm32-wasi against Debian's wasi-libc, linked as a
// WASI reactor (exports _initialize, which the runtime calls before Initialize).
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { compileTargets, summarize } from './c-build.mjs';
import { PDK_C, PDK_C_WASM, wasiTargets } from './catalog.mjs';
import { abs, report, run, unavailable, versionOf, which } from './util.mjs';

// WASI_SYSROOT points clang at a wasi-libc outside the places Debian's clang searches
// (/usr/include/wasm32-wasi, /usr/lib/wasm32-wasi), e.g. a wasi-sdk sysroot.
const sysroot = () =>
  process.env.WASI_SYSROOT?.trim() ? [`--sysroot=${process.env.WASI_SYSROOT.trim()}`] : [];
const flags = () => [
  '--target=wasm32-wasi',
  '-mexec-model=reactor',
  ...sysroot(),
  '-std=c11',
  '-O2',
];
const WARNINGS = ['-Wall', '-Wextra', '-Werror'];
const ABI_FUNCTIONS = ['ProcessData', 'PluginInfo', 'Initialize', 'Cleanup'];
const ALLOWED_MODULES = new Set(['wasi_snapshot_preview1', 'twinplug_v1']);
const INSTALL = 'install wasi-libc and libclang-rt-14-dev-wasm32: scripts/install-toolchains.sh';

/** Links a printf program to learn whether clang finds wasi-libc and the wasm32 builtins. */
async function probe(clang) {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'twinplug-wasi-probe-'));
  try {
    const source = path.join(dir, 'probe.c');
    await writeFile(
      source,
      '#include <stdio.h>\n__attribute__((export_name("probe"))) int probe(void) { return printf("%d\\n", 1); }\n',
    );
    const result = await run(clang, [...flags(), source, '-o', path.join(dir, 'probe.wasm')]);
    if (result.ok) return null;
    const firstError = result.stderr.split('\n').find((l) => /error/i.test(l)) ?? result.stderr;
    return `clang cannot build wasm32-wasi with a libc here (${firstError.trim()}); ${INSTALL}`;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * A reactor with the ABI's exports: memory, alloc, dealloc, _initialize and the ABI functions
 * present, and imports from WASI and the host API only.
 */
export async function verifyReactor(output, required = []) {
  const module = new WebAssembly.Module(await readFile(abs(output)));
  const exports = new Set(WebAssembly.Module.exports(module).map((e) => e.name));
  const missing = ['memory', 'alloc', 'dealloc', '_initialize', 'ProcessData', ...required].filter(
    (name) => !exports.has(name),
  );
  if (missing.length) return `does not export ${missing.join(', ')}`;
  if (exports.has('_start')) return 'exports _start: a command module, not a reactor';
  const foreign = WebAssembly.Module.imports(module).filter((i) => !ALLOWED_MODULES.has(i.module));
  if (foreign.length)
    return `imports ${foreign.map((i) => `${i.module}.${i.name}`).join(', ')}, outside WASI and twinplug_v1`;
  return null;
}

/** The ABI functions a C source defines, which its module must then export. */
async function definedFunctions(sources) {
  const text = (await Promise.all(sources.map((s) => readFile(abs(s), 'utf8')))).join('\n');
  return ABI_FUNCTIONS.filter((name) =>
    new RegExp(`^\\S.*\\bTP_CALL\\s+${name}\\s*\\([^;]*$`, 'm').test(text),
  );
}

/** Builds the libc samples to build/plugins/<name>/<name>.wasm. */
export async function buildClangWasi({ state }) {
  const name = process.env.CLANG?.trim() || 'clang';
  const clang = await which(name);
  const missing = clang ? await probe(clang) : `${name} not found`;
  if (missing) return unavailable('clang-wasi', missing);
  const version = await versionOf(clang);
  const targets = wasiTargets().map((t) => ({ ...t, sources: [...t.sources, PDK_C_WASM] }));
  const commandFor = (t, output) => ({
    file: clang,
    args: [...flags(), ...WARNINGS, '-I', PDK_C, ...t.sources, '-o', output],
  });
  const results = await compileTargets({
    targets,
    state,
    outputFor: (t) => `build/plugins/${t.name}/${t.name}.wasm`,
    commandFor,
    key: version,
    verify: async (t, output) => verifyReactor(output, await definedFunctions(t.sources)),
  });
  return report({
    toolchain: 'clang-wasi',
    header: `clang-wasi: ${version} [${clang}]`,
    ...summarize('clang-wasi', 'wasm', results),
    skipped: [],
  });
}
