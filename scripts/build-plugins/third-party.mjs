// The third-party twins: upstream C libraries (upstream.mjs) behind thin shims, built natively
// with the host's C compiler and to wasm32 with clang and wasi-libc's headers, plus each one's
// cases.json and plugin.json, into build/third-party/<name>/.
import { existsSync } from 'node:fs';
import { copyFile, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { compileTargets, summarize } from './c-build.mjs';
import { referencedFiles } from './cases.mjs';
import { PDK_C, PDK_C_WASM, THIRD_PARTY } from './catalog.mjs';
import { extensionFor } from './native.mjs';
import { upstreamSources } from './upstream.mjs';
import { abs, ensureDirFor, run, unavailable, versionOf, which } from './util.mjs';
import { verify } from './wasm-clang.mjs';

const COMMON = ['-std=c11', '-O2', '-Wall', '-Wextra', '-Werror'];
// lz4.h exports its API from a shared library by default; the plugin exports the ABI only.
const DEFINES = ['-DLZ4LIB_VISIBILITY='];
// wasm32-wasi for libc's headers (string.h, stdlib.h); no start files and no WASI imports:
// verify() refuses any import, so a library that needed one would fail the build. The PDK's
// allocator is its free list, not malloc (TWINPLUG_FREESTANDING).
const WASM = ['--target=wasm32-wasi', '-mbulk-memory', '-nostartfiles', '-DTWINPLUG_FREESTANDING'];
const WASM_LINK = ['-Wl,--no-entry', '-Wl,--stack-first'];

/** Whether clang finds wasi-libc's headers for wasm32-wasi: a reason when it does not. */
async function probeWasi(clang) {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'twinplug-wasi-'));
  try {
    const source = path.join(dir, 'probe.c');
    await writeFile(source, '#include <string.h>\nint probe(char *p) { return (int)strlen(p); }\n');
    const result = await run(clang, [...WASM, '-c', source, '-o', path.join(dir, 'probe.o')]);
    return result.ok ? null : 'clang finds no wasi-libc for wasm32-wasi (Debian package wasi-libc)';
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const shimOf = (name) => `plugins-dll/third-party/${name}/${name}.c`;

async function targetsWith(upstream) {
  const targets = [];
  for (const entry of THIRD_PARTY) {
    const found = upstream.get(entry.upstream);
    if (found.missing) continue;
    const headers = (await readdir(abs(found.dir))).filter((file) => file.endsWith('.h'));
    targets.push({
      kind: 'third-party',
      name: entry.name,
      sources: [shimOf(entry.name), ...entry.sources.map((file) => `${found.dir}/${file}`)],
      inputs: headers.map((file) => `${found.dir}/${file}`),
      includes: [PDK_C, found.dir],
      imports: [],
    });
  }
  return targets;
}

async function fetchAll() {
  const upstream = new Map();
  for (const name of new Set(THIRD_PARTY.map((entry) => entry.upstream)))
    upstream.set(name, await upstreamSources(name));
  const skipped = THIRD_PARTY.filter((entry) => upstream.get(entry.upstream).missing).map(
    (entry) => ({
      name: entry.name,
      reason: `upstream sources unavailable: ${upstream.get(entry.upstream).missing}`,
    }),
  );
  return { upstream, skipped };
}

const includes = (t) => t.includes.flatMap((dir) => ['-I', dir]);

async function buildBackend({ state, backend, compiler, version, targets }) {
  const native = backend === 'native';
  const ext = native ? extensionFor(process.platform) : '.wasm';
  const shared = [
    '-fPIC',
    '-fvisibility=hidden',
    process.platform === 'darwin' ? '-dynamiclib' : '-shared',
  ];
  const results = await compileTargets({
    targets: native ? targets : targets.map((t) => ({ ...t, sources: [...t.sources, PDK_C_WASM] })),
    state,
    outputFor: (t) => `build/third-party/${t.name}/${t.name}${ext}`,
    commandFor: (t, output) => ({
      file: compiler,
      args: [
        ...(native ? shared : WASM),
        ...COMMON,
        ...DEFINES,
        ...(native ? [] : WASM_LINK),
        ...includes(t),
        ...t.sources,
        '-o',
        output,
      ],
    }),
    key: version,
    ...(native ? {} : { verify }),
  });
  return summarize(native ? 'cc' : 'clang-wasm', backend, results);
}

/** Copies each shim folder's cases.json (with the files its cases name) and plugin.json. */
async function copyFolders() {
  const failures = [];
  for (const { name } of THIRD_PARTY) {
    const from = `plugins-dll/third-party/${name}`;
    try {
      const cases = JSON.parse(await readFile(abs(`${from}/cases.json`), 'utf8'));
      const extra = existsSync(abs(`${from}/plugin.json`)) ? ['plugin.json'] : [];
      for (const file of ['cases.json', ...extra, ...referencedFiles(cases)]) {
        const to = `build/third-party/${name}/${file}`;
        await ensureDirFor(to);
        await copyFile(abs(`${from}/${file}`), abs(to));
      }
    } catch (error) {
      failures.push({ target: { name: `${name}/cases.json` }, error: `${from}: ${error.message}` });
    }
  }
  return failures;
}

/** Builds the third-party twins (host platform only: a --target build skips them). */
export async function buildThirdParty({ state }) {
  const cc = (await which(process.env.CC?.trim() || 'cc')) ?? (await which('gcc'));
  const clangFile = await which(process.env.CLANG?.trim() || 'clang');
  const noWasm = clangFile ? await probeWasi(clangFile) : 'clang not found';
  const clang = noWasm ? null : clangFile;
  if (!cc && !clang) return unavailable('third-party', `no C compiler, and ${noWasm}`);
  const { upstream, skipped } = await fetchAll();
  const targets = await targetsWith(upstream);
  const parts = [];
  for (const [backend, compiler] of [
    ['native', cc],
    ['wasm', clang],
  ]) {
    if (!compiler) continue;
    const version = await versionOf(compiler);
    parts.push(await buildBackend({ state, backend, compiler, version, targets }));
  }
  const built = parts.flatMap((part) => part.built);
  const failures = parts.flatMap((part) => part.failures);
  if (targets.length > 0) failures.push(...(await copyFolders()));
  const reasons = [...skipped.map((entry) => `${entry.name}: ${entry.reason}`)];
  if (noWasm) reasons.push(`no Wasm twins: ${noWasm}`);
  if (!cc) reasons.push('no native twins: no C compiler');
  const compiled = parts.reduce((sum, part) => sum + part.compiled, 0);
  const failed = failures.length ? `; FAILED ${failures.map((f) => f.target.name).join(', ')}` : '';
  const skips = reasons.map((reason) => `; skipped (${reason})`).join('');
  return {
    toolchain: 'third-party',
    line: `third-party: ${built.length} artifacts (${compiled} compiled)${failed}${skips}`,
    built,
    failures,
    skipped: reasons.map((reason) => ({ toolchain: 'third-party', reason })),
  };
}
