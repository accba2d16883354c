// The AssemblyScript twins (plugins-wasm/) with the asc compiler from node_modules, against the
// AssemblyScript PDK (pdk/assemblyscript/).
import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { stampFixtures } from './asc-stamped.mjs';
import { SAMPLES } from './catalog.mjs';
import { abs, ensureDirFor, rel, report, unavailable } from './util.mjs';

const FLAGS = ['-O3', '--runtime', 'incremental'];

/** Every file under dir (recursively), repo-relative. */
async function filesUnder(dir) {
  const entries = await readdir(abs(dir), { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => rel(`${e.parentPath ?? e.path}/${e.name}`));
}

/**
 * The sources present: samples as plugins-wasm/<name>/index.ts, fixtures as
 * plugins-wasm/fixtures/*.ts and the copies stamped from plugins-wasm/fixtures/templates/.
 */
async function findTargets() {
  const files = await filesUnder('plugins-wasm');
  const targets = [];
  for (const file of files) {
    const sample = /^plugins-wasm\/([^/]+)\/index\.ts$/.exec(file);
    const fixture = /^plugins-wasm\/fixtures\/([^/]+)\.ts$/.exec(file);
    if (sample && sample[1] !== 'fixtures') {
      const name = sample[1];
      targets.push({
        kind: 'sample',
        name,
        source: file,
        output: `build/plugins/${name}/${name}.wasm`,
      });
    } else if (fixture && !file.endsWith('.d.ts')) {
      const name = fixture[1];
      targets.push({
        kind: 'fixture',
        name,
        source: file,
        output: `build/fixtures/wasm/${name}.wasm`,
      });
    }
  }
  for (const stamped of await stampFixtures()) {
    if (targets.some((t) => t.output === stamped.output))
      throw new Error(
        `${stamped.name}: both stamped from a template and in plugins-wasm/fixtures/`,
      );
    targets.push(stamped);
  }
  targets.sort((a, b) => a.output.localeCompare(b.output));
  return { targets, inputs: files };
}

async function loadAsc() {
  try {
    return (await import('assemblyscript/asc')).default;
  } catch (error) {
    return {
      missing: `assemblyscript is not installed (${error.code ?? error.message}); run npm install`,
    };
  }
}

/** Compiles one target; returns null or the compiler's diagnostics. */
async function compile(asc, { source, baseDir, entry, output }) {
  await ensureDirFor(output);
  const stdout = asc.createMemoryStream();
  const stderr = asc.createMemoryStream();
  const from = baseDir ? [entry, '--baseDir', baseDir, '-o', abs(output)] : [source, '-o', output];
  const { error } = await asc.main([...from, ...FLAGS], { stdout, stderr });
  return error
    ? `asc ${from.join(' ')} ${FLAGS.join(' ')}\n${stderr.toString().trim() || error.message}`
    : null;
}

/** Builds plugins-wasm/<name>/index.ts and plugins-wasm/fixtures/*.ts; absent sources are skipped. */
export async function buildAsc({ state }) {
  if (!existsSync(abs('plugins-wasm'))) {
    return unavailable('asc', 'no AssemblyScript sources: plugins-wasm/ does not exist');
  }
  const asc = await loadAsc();
  if (asc.missing) return unavailable('asc', asc.missing);
  const { targets, inputs } = await findTargets();
  // Sources may import each other anywhere under plugins-wasm/ and the PDK, so any change there
  // rebuilds all.
  const extra = ['asconfig.json', 'node_modules/assemblyscript/package.json'];
  const pdk = await filesUnder('pdk/assemblyscript');
  const watched = [...inputs, ...pdk, ...extra.filter((f) => existsSync(abs(f)))];
  const built = [];
  const failures = [];
  let compiled = 0;
  for (const target of targets) {
    const stamp = JSON.stringify([asc.version, target.source, FLAGS]);
    const inputs = target.baseDir ? [...watched, target.source] : watched;
    if (!(await state.isFresh(target.output, inputs, stamp))) {
      state.forget(target.output);
      const error = await compile(asc, target);
      if (error) {
        failures.push({ target, error });
        continue;
      }
      compiled++;
    }
    state.record(target.output, stamp);
    const { kind, name, output } = target;
    built.push({ kind, name, backend: 'wasm', toolchain: 'asc', path: output });
  }
  const present = new Set(targets.filter((t) => t.kind === 'sample').map((t) => t.name));
  const missing = SAMPLES.filter((name) => !present.has(name));
  const skipped = missing.length
    ? [{ toolchain: 'asc', reason: 'no plugins-wasm/<name>/index.ts', names: missing }]
    : [];
  return report({
    toolchain: 'asc',
    header: `asc: ${asc.version}`,
    built,
    compiled,
    failures,
    skipped,
  });
}
