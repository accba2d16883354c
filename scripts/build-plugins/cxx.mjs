// The C++ legacy fixtures (an IModule made by a factory, docs/legacy-dlls.md) with g++, or with
// MinGW g++ for --target=win32-x64. Built as they would be by their vendor: no twinplug header.
import { compileTargets, summarize } from './c-build.mjs';
import { report, unavailable, versionOf, which } from './util.mjs';

const CROSS_CXX = { 'win32-x64': 'x86_64-w64-mingw32-g++' };

export const CXX_FIXTURES = [
  { name: 'legacy-shout', sources: ['plugins-dll/legacy/shout.cpp'], defines: [] },
  // A second build for hot-swap tests: its outputs end in "!".
  { name: 'legacy-shout-2', sources: ['plugins-dll/legacy/shout.cpp'], defines: ['SHOUT_EXCLAIM'] },
];

/** $CXX, else the first of c++, g++, clang++ (the cross g++ for a --target build). */
async function findCxx(target) {
  if (target) {
    const file = await which(CROSS_CXX[target]);
    return file ? { file, pre: [] } : { missing: `${CROSS_CXX[target]} not found` };
  }
  if (process.env.CXX?.trim()) {
    const [name, ...pre] = process.env.CXX.trim().split(/\s+/);
    const file = await which(name);
    return file ? { file, pre } : { missing: `CXX=${process.env.CXX} not found` };
  }
  for (const name of ['c++', 'g++', 'clang++']) {
    const file = await which(name);
    if (file) return { file, pre: [] };
  }
  return { missing: 'no C++ compiler found (tried c++, g++, clang++; set CXX to choose one)' };
}

function cxxArgs(platform, target, output) {
  const shared =
    platform === 'win32'
      ? ['-shared', '-static-libgcc', '-static-libstdc++']
      : ['-fPIC', '-fvisibility=hidden', platform === 'darwin' ? '-dynamiclib' : '-shared'];
  const defines = target.defines.map((d) => `-D${d}`);
  const warnings = ['-Wall', '-Wextra', '-Werror'];
  return ['-std=c++17', ...warnings, '-O2', ...shared, ...defines, ...target.sources, '-o', output];
}

/** Builds the C++ fixtures into <outRoot>/fixtures/native, as toolchain `cxx`. */
export async function buildCxx({ state, target, outRoot, platform, ext }) {
  const label = target ? `c++ (${target})` : 'c++';
  const compiler = await findCxx(target);
  if (compiler.missing) return unavailable('cxx', compiler.missing, label);
  const { file, pre } = compiler;
  const version = await versionOf(file, [...pre, '--version']);
  const targets = CXX_FIXTURES.map((f) => ({ kind: 'fixture', inputs: [], ...f }));
  const results = await compileTargets({
    targets,
    state,
    outputFor: (t) => `${outRoot}/fixtures/native/${t.name}${ext}`,
    commandFor: (t, output) => ({ file, args: [...pre, ...cxxArgs(platform, t, output)] }),
    key: version,
  });
  return report({
    toolchain: 'cxx',
    header: `${label}: ${version} [${file}]`,
    ...summarize('cxx', 'native', results),
    skipped: [],
  });
}
