// npm run build:plugins: builds every plugin artifact into build/ (layout in docs/samples.md)
// and writes build/artifacts.json.
//
//   node scripts/build-plugins.mjs [--force] [--target=win32-x64]
//
// --force rebuilds fresh outputs too; --target=win32-x64 cross-builds the native DLLs with
// MinGW into build/win32-x64/ (same layout). A missing toolchain is reported and skipped; only
// a failing build (compiler error, wrong exports, bad cases.json) exits non-zero.
import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { buildAsc } from './build-plugins/asc.mjs';
import { buildCargo } from './build-plugins/cargo.mjs';
import { copyCases } from './build-plugins/cases.mjs';
import { buildClangWasi } from './build-plugins/clang-wasi.mjs';
import { buildCxx } from './build-plugins/cxx.mjs';
import { buildNative, extensionFor, platformFor } from './build-plugins/native.mjs';
import { buildThirdParty } from './build-plugins/third-party.mjs';
import { abs, BuildState, ensureDirFor, ROOT } from './build-plugins/util.mjs';
import { buildWasmClang } from './build-plugins/wasm-clang.mjs';

let options;
let platform;
let arch;
try {
  ({ values: options } = parseArgs({
    options: { target: { type: 'string' }, force: { type: 'boolean', default: false } },
  }));
  ({ platform, arch } = platformFor(options.target));
} catch (error) {
  console.error(`build-plugins: ${error.message}`);
  process.exit(2);
}
process.chdir(ROOT); // compilers get repo-relative paths

const outRoot = options.target ? `build/${options.target}` : 'build';
const state = new BuildState(outRoot, options.force);
await state.load();

const ext = extensionFor(platform);
const results = [
  await buildNative({ state, target: options.target, outRoot }),
  await buildCxx({ state, target: options.target, outRoot, platform, ext }),
];
// Wasm does not depend on the platform: a --target build is only about native libraries (and
// C and C++ ones: cargo builds Rust for the host only).
if (!options.target) {
  results.push(await buildWasmClang({ state }), await buildClangWasi({ state }));
  results.push(await buildAsc({ state }), await buildThirdParty({ state }));
  results.push(await buildCargo({ extension: ext }));
}
const builtSamples = new Set(
  results.flatMap((r) => r.built.filter((b) => b.kind === 'sample').map((b) => b.name)),
);
const failures = [
  ...results.flatMap((r) => r.failures),
  ...(await copyCases(outRoot, builtSamples)),
];
await state.save();

const artifacts = {
  platform,
  arch,
  nativeExtension: ext,
  built: results.flatMap((r) => r.built),
  skipped: results.flatMap((r) => r.skipped),
};
const artifactsFile = `${outRoot}/artifacts.json`;
await ensureDirFor(artifactsFile);
await writeFile(abs(artifactsFile), `${JSON.stringify(artifacts, null, 2)}\n`);

for (const { target, error } of failures)
  console.error(`\nerror building ${target.name}:\n${error}\n`);
for (const { line } of results) console.log(line);
console.log(`wrote ${artifactsFile}: ${artifacts.built.length} artifacts`);
if (failures.length) {
  console.error(`${failures.length} build(s) failed`);
  process.exitCode = 1;
}
