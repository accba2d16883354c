// What the toolchains build: the samples of docs/samples.md and the fault fixtures.
import { readdir, readFile } from 'node:fs/promises';
import { abs } from './util.mjs';

/** The C PDK (docs/authoring.md): the header every C source includes, and the Wasm half. */
export const PDK_C = 'pdk/c';
export const PDK_C_WASM = `${PDK_C}/twinplug_wasm.c`;

/** Samples of the ABI alone: one C source (native and clang twins) and an AssemblyScript port. */
export const SAMPLES = ['upper', 'crc32', 'pricing', 'redact'];

/**
 * Samples that use the host API or a libc (docs/samples.md). Each folder holds cases.json and
 * plugin.json (the capabilities it is granted) beside its sources. `c` names the toolchain of
 * the C source's Wasm twin (`clang-wasm` freestanding, `clang-wasi` with wasi-libc; cc builds it
 * natively either way); `rust` marks a crate that cargo builds natively and to wasm32-wasi.
 * `imports` are the Wasm imports the freestanding C twin must declare, and no others.
 */
export const HOST_SAMPLES = [
  { name: 'stats', dir: 'plugins-dll/stats', c: 'clang-wasi' },
  {
    name: 'visits',
    dir: 'plugins-dll/visits',
    c: 'clang-wasm',
    imports: [
      'twinplug_v1.kv_delete',
      'twinplug_v1.kv_get',
      'twinplug_v1.kv_set',
      'twinplug_v1.log',
    ],
  },
  { name: 'tally', dir: 'plugins-rust/tally', rust: true },
];

/** Every sample's folder (where its cases.json and plugin.json are). */
export const SAMPLE_DIRS = [
  ...SAMPLES.map((name) => ({ name, dir: `plugins-dll/${name}` })),
  ...HOST_SAMPLES.map(({ name, dir }) => ({ name, dir })),
];

/** Samples that link the shared JSON checker and walker, and the output writer. */
const JSON_SAMPLES = new Set(['pricing', 'redact']);
const JSON_SOURCES = ['plugins-dll/common/json.c', 'plugins-dll/common/writer.c'];

// Why a fixture is built for one backend only; fixtures sharing a reason are reported together.
const NULL_WRITE =
  'native only: in wasm32 address 0 is ordinary memory, a NULL write does not trap';
const STDERR = 'native only: writes to file descriptor 2';
const SLOW = 'native only: holds a native call in flight';
const WASM_ONLY = 'wasm only: linear memory growth and module imports have no native counterpart';
const WASI_ONLY = 'wasm only: WASI preview 1 is the Wasm side of the host API';
const WINDOWS_ONLY = 'windows only: a plugin DLL that imports from a DLL beside it';
const PROBE = 'native only: reads its process environment and descriptors';
const LEGACY = 'native only: a legacy library without the ABI, called through an adapter';
const PORT = "wasm only: a legacy library's port to the ordinary ABI";

/** The fixtures, with the one backend a fixture is limited to when it makes sense on one only. */
export const FIXTURES = [
  { name: 'null-deref', only: 'native', why: NULL_WRITE },
  { name: 'crash-in-init', only: 'native', why: NULL_WRITE },
  { name: 'crash-on-demand', only: 'native', why: NULL_WRITE },
  { name: 'endless-loop' },
  { name: 'out-len-lie' },
  { name: 'wrong-abi' },
  // Its PluginInfo is not JSON: the ABI's version for a plugin that has none.
  { name: 'bad-info', version: '0.0.0' },
  { name: 'missing-process' },
  { name: 'init-fails' },
  { name: 'stack-overflow' },
  { name: 'abort' },
  { name: 'stderr-flood', only: 'native', why: STDERR },
  { name: 'slow', only: 'native', why: SLOW },
  { name: 'versioned', versions: ['1.0.0', '2.0.0'] },
  { name: 'grow-memory', only: 'wasm', why: WASM_ONLY },
  { name: 'foreign-import', only: 'wasm', why: WASM_ONLY, imports: ['evil.steal'] },
  { name: 'upper-divergent' },
  {
    name: 'wasi-calls',
    only: 'wasm',
    why: WASI_ONLY,
    exports: ['_initialize'],
    imports: [
      'wasi_snapshot_preview1.fd_write',
      'wasi_snapshot_preview1.clock_time_get',
      'wasi_snapshot_preview1.random_get',
      'wasi_snapshot_preview1.proc_exit',
      'wasi_snapshot_preview1.proc_raise',
      'wasi_snapshot_preview1.environ_sizes_get',
      'wasi_snapshot_preview1.path_open',
    ],
  },
  { name: 'wasi-command', only: 'wasm', why: WASI_ONLY, exports: ['_start'] },
  // The host-calls benchmark: a loop of call_host, and the same loop over a bare import. It has
  // no PluginInfo, so the host calls it version 0.0.0, and so does its Windows VERSIONINFO.
  { name: 'host-loop', imports: ['twinplug_v1.call_host'], version: '0.0.0' },
  {
    name: 'host-loop-raw',
    version: '0.0.0',
    sources: ['plugins-dll/fixtures/host-loop.c'],
    defines: ['HOST_LOOP_RAW'],
    imports: ['bench.call_host'],
  },
  // Host API v1 from one source: imports exactly the host functions it calls (docs/host-api.md).
  {
    name: 'host-api',
    sources: ['plugins-dll/fixtures/host-api.c', 'plugins-dll/common/writer.c'],
    imports: [
      'twinplug_v1.log',
      'twinplug_v1.kv_get',
      'twinplug_v1.kv_set',
      'twinplug_v1.kv_delete',
      'twinplug_v1.call_host',
    ],
  },
  { name: 'env-probe', only: 'native', why: PROBE },
  // Legacy libraries (docs/legacy-dlls.md) and their Wasm ports; shout.cpp is built by cxx.mjs.
  { name: 'legacy-rot13', only: 'native', why: LEGACY, sources: ['plugins-dll/legacy/rot13.c'] },
  {
    name: 'legacy-greet',
    only: 'native',
    why: LEGACY,
    sources: ['plugins-dll/legacy/greet.c'],
    version: '1.0.0',
  },
  {
    name: 'legacy-shout-port',
    only: 'wasm',
    why: PORT,
    sources: ['plugins-dll/legacy/shout-port.c'],
  },
  {
    name: 'legacy-rot13-port',
    only: 'wasm',
    why: PORT,
    sources: ['plugins-dll/legacy/rot13-port.c'],
  },
  {
    name: 'legacy-greet-port',
    only: 'wasm',
    why: PORT,
    sources: ['plugins-dll/legacy/greet-port.c'],
  },
  // visits with another kv key: the same answers, different side effects.
  {
    name: 'visits-divergent',
    inputs: ['plugins-dll/visits/visits.c'],
    version: '1.0.0', // its PluginInfo is visits.c's, which it #includes
    imports: HOST_SAMPLES.find((s) => s.name === 'visits').imports,
  },
  // helper.dll is not a plugin: uses-helper.dll imports from it, so it is built first.
  {
    name: 'helper',
    only: 'native',
    platform: 'win32',
    why: WINDOWS_ONLY,
    sources: ['plugins-dll/fixtures/helper/helper.c'],
    inputs: ['plugins-dll/fixtures/helper/helper.h'],
    defines: ['HELPER_BUILD'],
    version: '1.0.0',
  },
  {
    name: 'uses-helper',
    only: 'native',
    platform: 'win32',
    why: WINDOWS_ONLY,
    inputs: ['plugins-dll/fixtures/helper/helper.h'],
    links: ['helper'],
  },
];

function sampleTarget(name, dir) {
  return {
    kind: 'sample',
    name,
    sources: [`${dir}/${name}.c`],
    inputs: [],
    defines: [],
    imports: [],
    links: [],
    version: undefined,
  };
}

function hostSampleTarget({ name, dir, imports }) {
  return { ...sampleTarget(name, dir), imports: imports ?? [] };
}

/** The C samples built against wasi-libc (their Wasm twin; cc builds the native one). */
export function wasiTargets() {
  return HOST_SAMPLES.filter((sample) => sample.c === 'clang-wasi').map(hostSampleTarget);
}

/**
 * Real open-source C libraries, unmodified, each behind a thin ABI shim in
 * plugins-dll/third-party/<name>/ (docs/conformance.md, "Third-party twins"). `upstream` names
 * the source package (upstream.mjs), `sources` the library files the shim is compiled with.
 */
export const THIRD_PARTY = [
  { name: 'lz4-block', upstream: 'lz4', sources: ['lz4.c'] },
  { name: 'lz4-block-decode', upstream: 'lz4', sources: ['lz4.c'] },
  { name: 'xxhash', upstream: 'lz4', sources: ['xxhash.c'] },
];

/** Every input a C build depends on besides its own sources: the ABI and common headers. */
export async function commonInputs() {
  const headers = [];
  for (const dir of [PDK_C, 'plugins-dll/common']) {
    for (const file of await readdir(abs(dir)))
      if (file.endsWith('.h')) headers.push(`${dir}/${file}`);
  }
  return headers;
}

/**
 * The C build targets for one backend ('native' or 'wasm') and platform (a native build's OS):
 * { kind, name, sources, inputs, defines, imports, links, version }, and the fixtures left out
 * with the reason. `inputs` are extra files the build depends on (headers outside the common
 * ones); `links` names fixtures whose library the target links against (built before it);
 * `version` is the one PluginInfo reports, or undefined to read it from the source.
 */
export function cTargets(backend, platform) {
  const targets = SAMPLES.map((name) => ({
    ...sampleTarget(name, `plugins-dll/${name}`),
    sources: [`plugins-dll/${name}/${name}.c`, ...(JSON_SAMPLES.has(name) ? JSON_SOURCES : [])],
  }));
  // The host samples whose Wasm twin is built another way (with wasi-libc) are native only here.
  const hostSamples = HOST_SAMPLES.filter(
    (sample) => sample.c && (backend === 'native' || sample.c === 'clang-wasm'),
  );
  targets.push(...hostSamples.map((sample) => hostSampleTarget(sample)));
  const skipped = [];
  for (const fixture of FIXTURES) {
    const wrongPlatform = fixture.platform && fixture.platform !== platform;
    if ((fixture.only && fixture.only !== backend) || wrongPlatform) {
      skipped.push({ name: fixture.name, reason: fixture.why });
      continue;
    }
    const base = {
      kind: 'fixture',
      sources: fixture.sources ?? [`plugins-dll/fixtures/${fixture.name}.c`],
      inputs: fixture.inputs ?? [],
      imports: fixture.imports ?? [],
      exports: fixture.exports ?? [],
      links: fixture.links ?? [],
    };
    if (!fixture.versions) {
      const { name, version } = fixture;
      targets.push({ ...base, name, defines: fixture.defines ?? [], version });
    }
    for (const version of fixture.versions ?? []) {
      targets.push({
        ...base,
        name: `${fixture.name}-${version}`,
        defines: [`TP_VERSION="${version}"`],
        version,
      });
    }
  }
  return { targets, skipped };
}

/** The version a C target's PluginInfo reports: given, or read from its JSON in the source. */
export async function versionOfTarget(target) {
  if (target.version) return target.version;
  const source = await readFile(abs(target.sources[0]), 'utf8');
  const found = /\\"version\\":\\"([^\\"]+)\\"/.exec(source);
  if (!found) throw new Error(`${target.sources[0]}: no "version" in its PluginInfo JSON`);
  return found[1];
}

/** Groups skipped names by reason: [{ reason, names }]. */
export function groupByReason(skipped) {
  const groups = new Map();
  for (const { name, reason } of skipped) groups.set(reason, [...(groups.get(reason) ?? []), name]);
  return [...groups].map(([reason, names]) => ({ reason, names }));
}
