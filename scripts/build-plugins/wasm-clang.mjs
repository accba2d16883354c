// The same C sources built to wasm32 by clang + wasm-ld, with their exports checked.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { compileTargets, summarize } from './c-build.mjs';
import { cTargets, groupByReason, PDK_C, PDK_C_WASM } from './catalog.mjs';
import { abs, report, run, unavailable, versionOf, which } from './util.mjs';

const FLAGS = ['--target=wasm32', '-std=c11', '-O2', '-nostdlib', '-mbulk-memory'];
const WARNINGS = ['-Wall', '-Wextra', '-Werror'];
// --stack-first puts the 64 KiB shadow stack below the static data, so a stack overflow traps
// as soon as it runs below address 0 instead of overwriting globals (the allocator's free list,
// redact's configured words) on its way down.
const LINK = ['-Wl,--no-entry', '-Wl,--stack-first'];
const ABI_FUNCTIONS = ['ProcessData', 'PluginInfo', 'Initialize', 'Cleanup'];

/** Builds a trivial module to learn whether clang can target wasm32 and find wasm-ld. */
async function probe(clang) {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'twinplug-probe-'));
  try {
    const source = path.join(dir, 'probe.c');
    await writeFile(
      source,
      '__attribute__((export_name("probe"))) int probe(void) { return 1; }\n',
    );
    const result = await run(clang, [
      ...FLAGS,
      ...LINK,
      source,
      '-o',
      path.join(dir, 'probe.wasm'),
    ]);
    if (result.ok) return null;
    const firstError = result.stderr.split('\n').find((l) => /error/i.test(l)) ?? result.stderr;
    return `clang cannot build wasm32 here (${firstError.trim()})`;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** The ABI functions a plugin source defines (definitions name them after TP_CALL). */
async function definedFunctions(sources) {
  const found = new Set();
  for (const source of sources) {
    const text = await readFile(abs(source), 'utf8');
    for (const name of ABI_FUNCTIONS) {
      if (new RegExp(`^\\S.*\\bTP_CALL\\s+${name}\\s*\\([^;]*$`, 'm').test(text)) found.add(name);
    }
  }
  return found;
}

/** Exports must be exactly memory, alloc, dealloc and the defined ABI functions; imports as declared. */
export async function verify(target, output) {
  const module = new WebAssembly.Module(await readFile(abs(output)));
  const exports = WebAssembly.Module.exports(module)
    .map((e) => e.name)
    .sort();
  const expected = [
    'memory',
    'alloc',
    'dealloc',
    // inputs: a fixture may #include a sample's source (visits-divergent).
    ...(await definedFunctions([...target.sources, ...target.inputs])),
    ...(target.exports ?? []),
  ].sort();
  if (exports.join() !== expected.join()) {
    return `exports [${exports.join(', ')}], expected [${expected.join(', ')}]`;
  }
  const imports = WebAssembly.Module.imports(module)
    .map((i) => `${i.module}.${i.name}`)
    .sort();
  if (imports.join() !== [...target.imports].sort().join()) {
    return `imports [${imports.join(', ')}], expected [${target.imports.join(', ')}]`;
  }
  return null;
}

/** Builds the C samples and fixtures to build/clang/<name>/<name>.wasm and build/fixtures/clang. */
export async function buildWasmClang({ state }) {
  const name = process.env.CLANG?.trim() || 'clang';
  const clang = await which(name);
  const missing = clang ? await probe(clang) : `${name} not found`;
  if (missing) return unavailable('clang-wasm', missing);
  const version = await versionOf(clang);
  const { targets, skipped } = cTargets('wasm');
  const wasmTargets = targets.map((t) => ({ ...t, sources: [...t.sources, PDK_C_WASM] }));
  const outputFor = (t) =>
    t.kind === 'sample'
      ? `build/clang/${t.name}/${t.name}.wasm`
      : `build/fixtures/clang/${t.name}.wasm`;
  const commandFor = (t, output) => ({
    file: clang,
    args: [
      ...FLAGS,
      ...WARNINGS,
      ...LINK,
      '-I',
      PDK_C,
      ...t.defines.map((d) => `-D${d}`),
      ...t.sources,
      '-o',
      output,
    ],
  });
  const results = await compileTargets({
    targets: wasmTargets,
    state,
    outputFor,
    commandFor,
    key: version,
    verify,
  });
  return report({
    toolchain: 'clang-wasm',
    header: `clang-wasm: ${version} [${clang}]`,
    ...summarize('clang-wasm', 'wasm', results),
    skipped: groupByReason(skipped).map((g) => ({ toolchain: 'clang-wasm', ...g })),
  });
}
