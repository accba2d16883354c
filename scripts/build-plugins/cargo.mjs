// Rust sample crates: one crate built by cargo as a native cdylib and as a wasm32-wasi reactor,
// offline (no registry crates). The toolchain must have std for wasm32-wasi: Debian's rustc
// with libstd-rust-dev-wasm32 has it, a rustup toolchain usually lacks the target.
import { existsSync } from 'node:fs';
import { copyFile, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { HOST_SAMPLES } from './catalog.mjs';
import { verifyReactor } from './clang-wasi.mjs';
import {
  abs,
  ensureDirFor,
  mapLimit,
  report,
  run,
  unavailable,
  versionOf,
  which,
} from './util.mjs';

const WASM_TARGET = 'wasm32-wasi';
const TARGET_DIR = 'build/.cargo';
const INSTALL = 'install rustc, cargo and libstd-rust-dev-wasm32: scripts/install-toolchains.sh';

/** Whether rustc has std for the wasm target (its target libdir holds libstd). */
async function hasWasmStd(rustc) {
  const result = await run(rustc, ['--print', 'target-libdir', '--target', WASM_TARGET]);
  const dir = result.stdout.trim();
  if (!result.ok || !dir || !existsSync(dir)) return false;
  return (await readdir(dir)).some((file) => /^libstd-.*\.rlib$/.test(file));
}

/**
 * $RUSTC, the rustc on PATH, then Debian's: the first with std for wasm32-wasi, and the cargo
 * beside it ($CARGO wins). Rustup's proxies come first on PATH for many users and lack the target.
 */
async function findToolchain() {
  const names = [process.env.RUSTC?.trim(), 'rustc', '/usr/bin/rustc'].filter(Boolean);
  const tried = [];
  for (const name of names) {
    const rustc = await which(name);
    if (!rustc || tried.includes(rustc)) continue;
    tried.push(rustc);
    if (!(await hasWasmStd(rustc))) continue;
    const cargo =
      (process.env.CARGO?.trim() && (await which(process.env.CARGO.trim()))) ||
      (await which(path.join(path.dirname(rustc), 'cargo')));
    if (cargo) return { rustc, cargo };
  }
  const seen = tried.length ? `tried ${tried.join(', ')}` : 'no rustc found';
  return { missing: `no Rust toolchain with std for ${WASM_TARGET} (${seen}); ${INSTALL}` };
}

/** The file cargo writes for a cdylib: lib<crate>.so / .dylib, <crate>.dll, <crate>.wasm. */
function cargoOutput(crate, triple) {
  const file = crate.replaceAll('-', '_');
  if (triple === WASM_TARGET) return `${TARGET_DIR}/${WASM_TARGET}/release/${file}.wasm`;
  const names = { win32: `${file}.dll`, darwin: `lib${file}.dylib` };
  return `${TARGET_DIR}/release/${names[process.platform] ?? `lib${file}.so`}`;
}

/** Copies when the bytes may have changed (cargo rewrote its output); returns whether it did. */
async function install(from, to) {
  const [source, target] = await Promise.all([stat(abs(from)), stat(abs(to)).catch(() => null)]);
  if (target && target.mtimeMs >= source.mtimeMs && target.size === source.size) return false;
  await ensureDirFor(to);
  await copyFile(abs(from), abs(to));
  return true;
}

/** Builds one crate for one target; cargo decides what is fresh. */
async function buildCrate({ cargo, rustc }, sample, triple, extension) {
  const manifest = `${sample.dir}/Cargo.toml`;
  const args = ['build', '--offline', '--release', '--manifest-path', manifest];
  if (triple) args.push('--target', triple);
  const env = { ...process.env, RUSTC: rustc, CARGO_TARGET_DIR: abs(TARGET_DIR) };
  const backend = triple ? 'wasm' : 'native';
  const target = { kind: 'sample', name: sample.name };
  const result = await run(cargo, args, { env });
  if (!result.ok)
    return { target, error: `${[cargo, ...args].join(' ')}\n${result.stderr}${result.stdout}` };
  const output = `build/plugins/${sample.name}/${sample.name}${extension}`;
  const compiled = await install(cargoOutput(sample.name, triple), output);
  const problem = triple ? await verifyReactor(output, ['PluginInfo']) : null;
  if (problem) return { target, error: `${output}: ${problem}` };
  const toolchain = triple ? 'cargo-wasm' : 'cargo';
  return {
    target,
    compiled,
    entry: { kind: 'sample', name: sample.name, backend, toolchain, path: output },
  };
}

/** Builds every Rust sample natively and to wasm32-wasi into build/plugins/<name>/. */
export async function buildCargo({ extension }) {
  const toolchain = await findToolchain();
  if (toolchain.missing) {
    // Both of its artifacts.json toolchains are skipped, so tests can ask about either.
    const skip = unavailable('cargo', toolchain.missing);
    return { ...skip, skipped: [...skip.skipped, { ...skip.skipped[0], toolchain: 'cargo-wasm' }] };
  }
  const version = await versionOf(toolchain.rustc);
  const jobs = HOST_SAMPLES.filter((s) => s.rust).flatMap((sample) => [
    [sample, undefined, extension],
    [sample, WASM_TARGET, '.wasm'],
  ]);
  // One at a time: cargo locks its target directory anyway.
  const results = await mapLimit(jobs, (job) => buildCrate(toolchain, ...job), 1);
  const ok = results.filter((r) => !r.error);
  return report({
    toolchain: 'cargo',
    header: `cargo: ${version} [${toolchain.cargo}, ${toolchain.rustc}]`,
    built: ok.map((r) => r.entry),
    compiled: ok.filter((r) => r.compiled).length,
    failures: results.filter((r) => r.error),
    skipped: [],
  });
}
