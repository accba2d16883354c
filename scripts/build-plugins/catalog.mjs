// What the C toolchains build: the samples of docs/samples.md and the fault fixtures.
import { readdir } from 'node:fs/promises';
import { abs } from './util.mjs';

export const SAMPLES = ['upper', 'crc32', 'pricing', 'redact'];

/** Samples that link the shared JSON checker and walker, and the output writer. */
const JSON_SAMPLES = new Set(['pricing', 'redact']);
const JSON_SOURCES = ['plugins-dll/common/json.c', 'plugins-dll/common/writer.c'];

// Why a fixture is built for one backend only; fixtures sharing a reason are reported together.
const NULL_WRITE =
  'native only: in wasm32 address 0 is ordinary memory, a NULL write does not trap';
const STDERR = 'native only: writes to file descriptor 2';
const SLOW = 'native only: holds a native call in flight';
const WASM_ONLY = 'wasm only: linear memory growth and module imports have no native counterpart';

/** The fixtures, with the one backend a fixture is limited to when it makes sense on one only. */
export const FIXTURES = [
  { name: 'null-deref', only: 'native', why: NULL_WRITE },
  { name: 'crash-in-init', only: 'native', why: NULL_WRITE },
  { name: 'endless-loop' },
  { name: 'out-len-lie' },
  { name: 'wrong-abi' },
  { name: 'bad-info' },
  { name: 'missing-process' },
  { name: 'init-fails' },
  { name: 'stack-overflow' },
  { name: 'abort' },
  { name: 'stderr-flood', only: 'native', why: STDERR },
  { name: 'slow', only: 'native', why: SLOW },
  { name: 'versioned', versions: ['1.0.0', '2.0.0'] },
  { name: 'grow-memory', only: 'wasm', why: WASM_ONLY },
  { name: 'foreign-import', only: 'wasm', why: WASM_ONLY, imports: ['evil.steal'] },
];

/** Every input a C build depends on besides its own sources: the ABI and common headers. */
export async function commonInputs() {
  const headers = [];
  for (const dir of ['plugins-dll/include', 'plugins-dll/common']) {
    for (const file of await readdir(abs(dir)))
      if (file.endsWith('.h')) headers.push(`${dir}/${file}`);
  }
  return headers;
}

/**
 * The C build targets for one backend ('native' or 'wasm'): { kind, name, sources, defines,
 * imports }, and the fixtures left out with the reason.
 */
export function cTargets(backend) {
  const targets = SAMPLES.map((name) => ({
    kind: 'sample',
    name,
    sources: [`plugins-dll/${name}/${name}.c`, ...(JSON_SAMPLES.has(name) ? JSON_SOURCES : [])],
    defines: [],
    imports: [],
  }));
  const skipped = [];
  for (const fixture of FIXTURES) {
    if (fixture.only && fixture.only !== backend) {
      skipped.push({ name: fixture.name, reason: fixture.why });
      continue;
    }
    const base = {
      kind: 'fixture',
      sources: [`plugins-dll/fixtures/${fixture.name}.c`],
      imports: fixture.imports ?? [],
    };
    if (!fixture.versions) targets.push({ ...base, name: fixture.name, defines: [] });
    for (const version of fixture.versions ?? []) {
      targets.push({
        ...base,
        name: `${fixture.name}-${version}`,
        defines: [`TP_VERSION="${version}"`],
      });
    }
  }
  return { targets, skipped };
}

/** Groups skipped names by reason: [{ reason, names }]. */
export function groupByReason(skipped) {
  const groups = new Map();
  for (const { name, reason } of skipped) groups.set(reason, [...(groups.get(reason) ?? []), name]);
  return [...groups].map(([reason, names]) => ({ reason, names }));
}
