// The package test's PDK steps (docs/authoring.md): in the temporary project, with twinplug
// installed from the tarball, a scaffold per language builds against the installed package's
// PDK and passes conformance untouched, and the C PDK's documented one-line compiles build the
// same source for every C toolchain present.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

function run(command, args, cwd, env = process.env) {
  return execFileSync(command, args, {
    cwd,
    env,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

function found(command) {
  try {
    run('sh', ['-c', `command -v ${command}`], '/');
    return true;
  } catch {
    return false;
  }
}

function expect(condition, message) {
  if (!condition) throw new Error(message);
}

/** Whether a rustc the Rust scaffold's build.sh tries has std for wasm32-unknown-unknown. */
function rustWithWasmStd() {
  return ['rustc', '/usr/bin/rustc'].some((rustc) => {
    try {
      const dir = run(
        rustc,
        ['--print', 'target-libdir', '--target', 'wasm32-unknown-unknown'],
        '/',
      ).trim();
      return existsSync(dir) && readdirSync(dir).some((file) => file.startsWith('libstd-'));
    } catch {
      return false;
    }
  });
}

/** Scaffolds `name` in the project, builds it with `build` and runs conformance on the folder. */
function scaffold(project, { name, lang, build, artifacts }) {
  run('npx', ['twinplug', 'new', name, '--lang', lang], project);
  const dir = join(project, name);
  build(dir);
  const out = run('npx', ['twinplug', 'conformance', '--plugin', '.', '--fuzz', '200'], dir);
  expect(out.includes(`${artifacts} artifact(s) run, 0 skipped`), `conformance printed ${out}`);
  return dir;
}

// The one-line compiles of pdk/c/twinplug.h's comment, on the C scaffold's source.
const ONE_LINERS = [
  {
    compiler: 'cc',
    output: 'one-line.so',
    args: (pdk, src) => [
      '-std=c11',
      '-O2',
      '-shared',
      '-fPIC',
      '-fvisibility=hidden',
      '-I',
      pdk,
      src,
    ],
  },
  {
    compiler: 'x86_64-w64-mingw32-gcc',
    output: 'one-line.dll',
    args: (pdk, src) => ['-std=c11', '-O2', '-shared', '-I', pdk, src],
  },
  {
    compiler: 'clang',
    output: 'one-line.wasm',
    args: (pdk, src) => [
      '--target=wasm32',
      '-std=c11',
      '-O2',
      '-nostdlib',
      '-mbulk-memory',
      '-Wl,--no-entry',
      '-Wl,--stack-first',
      '-I',
      pdk,
      src,
      `${pdk}/twinplug_wasm.c`,
    ],
  },
  {
    compiler: 'clang',
    output: 'one-line-wasi.wasm',
    args: (pdk, src) => [
      '--target=wasm32-wasi',
      '-mexec-model=reactor',
      '-std=c11',
      '-O2',
      '-I',
      pdk,
      src,
      `${pdk}/twinplug_wasm.c`,
    ],
  },
];

/** Runs the PDK steps through `step(name, body)`; a language without its toolchain is reported. */
export async function pdkSteps(step, project) {
  const pdk = join(project, 'node_modules/twinplug/pdk/c');
  let cDir = null;
  await step(
    'twinplug new --lang c: builds both twins against the installed pdk/c and passes conformance',
    () => {
      cDir = scaffold(project, {
        name: 'scaffolded',
        lang: 'c',
        build: (dir) => run('sh', ['build.sh'], dir),
        artifacts: 2,
      });
    },
  );
  await step("the C PDK's one-line compiles build the same source (each compiler present)", () => {
    expect(cDir !== null, 'no C scaffold');
    const source = join(cDir, 'src/scaffolded.c');
    const built = [];
    for (const { compiler, output, args } of ONE_LINERS) {
      if (!found(compiler)) continue;
      run(compiler, [...args(pdk, source), '-o', join(cDir, output)], cDir);
      built.push(output);
    }
    console.log(`        built ${built.join(', ')}`);
    const here = built.filter((file) => !file.endsWith('.dll')).map((file) => join(cDir, file));
    const capabilities = JSON.stringify({ log: true });
    const cases = join(cDir, 'cases.json');
    const args = ['conformance', ...here, '--cases', cases, '--capabilities', capabilities];
    const out = run('npx', ['twinplug', ...args, '--fuzz', '200'], cDir);
    expect(out.includes(`${here.length} artifact(s) run`), `conformance printed ${out}`);
  });
  if (rustWithWasmStd() && found('cargo')) {
    await step(
      'twinplug new --lang rust: builds both twins against the installed pdk/rust and passes conformance',
      () => {
        scaffold(project, {
          name: 'scaffolded-rust',
          lang: 'rust',
          build: (dir) => run('sh', ['build.sh'], dir),
          artifacts: 2,
        });
      },
    );
  } else
    console.log('  skip  twinplug new --lang rust (no cargo, or no rustc with std for wasm32)');
  await step(
    'twinplug new --lang assemblyscript: builds against the installed PDK and passes conformance',
    () => {
      scaffold(project, {
        name: 'scaffolded-as',
        lang: 'assemblyscript',
        build: (dir) => run('npm', ['run', 'build'], dir),
        artifacts: 1,
      });
    },
  );
}
