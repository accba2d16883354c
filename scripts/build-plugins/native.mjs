// Native shared libraries from the C sources with the system C compiler (or a MinGW cross gcc).
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { compileTargets, summarize } from './c-build.mjs';
import { cTargets, groupByReason, PDK_C } from './catalog.mjs';
import { report, unavailable, versionOf, which } from './util.mjs';
import { compileResource, resourceFor } from './version-resource.mjs';

const CROSS = {
  'win32-x64': {
    platform: 'win32',
    arch: 'x64',
    cc: 'x86_64-w64-mingw32-gcc',
    windres: 'x86_64-w64-mingw32-windres',
  },
};

export const extensionFor = (platform) => ({ win32: '.dll', darwin: '.dylib' })[platform] ?? '.so';

/** The platform a build is for: the host, or a --target such as win32-x64. */
export function platformFor(target) {
  if (!target) return { platform: process.platform, arch: process.arch };
  const cross = CROSS[target];
  if (!cross)
    throw new Error(`unknown --target=${target} (known: ${Object.keys(CROSS).join(', ')})`);
  return { platform: cross.platform, arch: cross.arch };
}

/** $CC (may carry arguments, e.g. "ccache gcc"), else the first of cc, gcc, clang (cl on Windows). */
async function findCompiler(target) {
  if (target) {
    const name = CROSS[target].cc;
    const file = await which(name);
    return file ? { file, pre: [] } : { missing: `${name} not found` };
  }
  if (process.env.CC?.trim()) {
    const [name, ...pre] = process.env.CC.trim().split(/\s+/);
    const file = await which(name);
    return file ? { file, pre } : { missing: `CC=${process.env.CC} not found` };
  }
  const names = process.platform === 'win32' ? ['gcc', 'clang', 'cl'] : ['cc', 'gcc', 'clang'];
  for (const name of names) {
    const file = await which(name);
    if (file) return { file, pre: [] };
  }
  return { missing: `no C compiler found (tried ${names.join(', ')}; set CC to choose one)` };
}

const isMsvc = (file) => /^cl(\.exe)?$/i.test(path.basename(file));

/** windres for DLL version resources: the cross one, or the one beside a Windows gcc. */
async function findWindres(target, compilerFile) {
  if (target) return which(CROSS[target].windres);
  if (process.platform !== 'win32') return null;
  return (await which(path.join(path.dirname(compilerFile), 'windres'))) ?? which('windres');
}

function gnuArgs(platform, target, output, objects) {
  const common = ['-std=c11', '-Wall', '-Wextra', '-Werror', '-O2'];
  // PE has no ELF-style visibility or PIC: __declspec(dllexport) picks the exports there.
  const shared =
    platform === 'win32'
      ? ['-shared', '-static-libgcc']
      : ['-fPIC', '-fvisibility=hidden', platform === 'darwin' ? '-dynamiclib' : '-shared'];
  const defines = target.defines.map((d) => `-D${d}`);
  return [
    ...common,
    ...shared,
    '-I',
    PDK_C,
    ...defines,
    ...target.sources,
    ...objects,
    '-o',
    output,
  ];
}

function msvcArgs(target, output) {
  // One object directory per target: json.c is compiled by several targets in parallel.
  const objDir = path.join(path.dirname(output), `.obj-${target.name}`) + path.sep;
  mkdirSync(objDir, { recursive: true });
  const defines = target.defines.map((d) => `/D${d}`);
  return [
    '/nologo',
    '/std:c11',
    '/W4',
    '/WX',
    '/O2',
    '/LD',
    '/I',
    PDK_C,
    ...defines,
    ...target.sources,
    `/Fe${output}`,
    `/Fo${objDir}`,
    '/link',
    '/NOIMPLIB',
    '/NOEXP',
  ];
}

/**
 * The targets in build order: libraries other targets link against (helper.dll) first. A
 * target's `links` become inputs of its link command, by path.
 */
function stages(targets, libraryPath) {
  const linked = targets.map((t) => ({
    ...t,
    sources: [...t.sources, ...t.links.map(libraryPath)],
  }));
  return [linked.filter((t) => t.links.length === 0), linked.filter((t) => t.links.length > 0)];
}

/**
 * On Windows, each DLL gets a VERSIONINFO resource with its PluginInfo version: the .rc is
 * generated, compiled by windres, and linked in. Returns the per-target resources, the prepare
 * hook, the targets whose version cannot be a resource (as failures), or a note saying why DLLs
 * go without one.
 */
async function versionResources({ platform, target, outRoot, file, msvc, targets }) {
  if (platform !== 'win32') return { failures: [], note: '' };
  const windres = msvc ? null : await findWindres(target, file);
  if (!windres) {
    const why = msvc ? 'rc.exe is not wired up' : 'windres not found';
    return { failures: [], note: `; no VERSIONINFO (${why})` };
  }
  const resources = new Map();
  const failures = [];
  for (const t of targets) {
    try {
      resources.set(t.name, await resourceFor(t, outRoot));
    } catch (error) {
      failures.push({ target: t, error: `VERSIONINFO: ${error.message}` });
    }
  }
  const prepare = (t, output) =>
    compileResource(windres, t, resources.get(t.name), path.basename(output));
  return { resources, prepare, failures, note: '; VERSIONINFO from PluginInfo versions' };
}

/** Compiles the targets stage by stage; a target without its resource is already a failure. */
async function compileStages({ targets, resourceInfo, outputFor, fixturePath, ...common }) {
  const failed = new Set(resourceInfo.failures.map((f) => f.target.name));
  const results = resourceInfo.failures.map((f) => ({ ...f, output: outputFor(f.target) }));
  const buildable = targets.filter((t) => !failed.has(t.name));
  for (const stage of stages(buildable, fixturePath)) {
    const { prepare } = resourceInfo;
    results.push(...(await compileTargets({ targets: stage, outputFor, prepare, ...common })));
  }
  return results;
}

/** Builds the native samples and fixtures into <outRoot>/plugins and <outRoot>/fixtures/native. */
export async function buildNative({ state, target, outRoot }) {
  const { platform } = platformFor(target);
  const ext = extensionFor(platform);
  const { targets, skipped } = cTargets('native', platform);
  const compiler = await findCompiler(target);
  const label = target ? `cc (${target})` : 'cc';
  if (compiler.missing) return unavailable('cc', compiler.missing, label);
  const { file, pre } = compiler;
  const msvc = isMsvc(file);
  const version = await versionOf(file, msvc ? [] : [...pre, '--version']);
  const fixturePath = (name) => `${outRoot}/fixtures/native/${name}${ext}`;
  const outputFor = (t) =>
    t.kind === 'sample' ? `${outRoot}/plugins/${t.name}/${t.name}${ext}` : fixturePath(t.name);
  const resourceInfo = await versionResources({ platform, target, outRoot, file, msvc, targets });
  const { resources, note } = resourceInfo;
  const objects = (t) => (resources ? [resources.get(t.name).object] : []);
  const commandFor = (t, output) => ({
    file,
    args: msvc ? msvcArgs(t, output) : [...pre, ...gnuArgs(platform, t, output, objects(t))],
  });
  const results = await compileStages({
    targets,
    resourceInfo,
    outputFor,
    fixturePath,
    state,
    commandFor,
    key: version,
  });
  const skippedGroups = groupByReason(skipped).map((g) => ({ toolchain: 'cc', ...g }));
  const where = `${file}${pre.length ? ` ${pre.join(' ')}` : ''}`;
  return report({
    toolchain: 'cc',
    header: `${label}: ${version} [${where}]${note}`,
    ...summarize('cc', 'native', results),
    skipped: skippedGroups,
  });
}
