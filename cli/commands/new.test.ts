import { spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { afterAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../../scripts/artifacts.js';

// Runs the built CLI (npm test builds first), as a plugin author's shell would.
const root = repoRoot();
const CLI = join(root, 'dist', 'cli', 'main.js');
const temp = mkdtempSync(join(tmpdir(), 'twinplug-new-'));
afterAll(() => rmSync(temp, { recursive: true, force: true }));
// What npm install puts above the scaffolds: this package, whose PDKs their builds find by
// resolving twinplug from the plugin folder (npm run test:package does it with the tarball).
mkdirSync(join(temp, 'node_modules'));
symlinkSync(root, join(temp, 'node_modules', 'twinplug'), 'dir');

function run(file: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env) {
  const result = spawnSync(file, args, { cwd, env, timeout: 240_000, encoding: 'utf8' });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}
const twinplug = (args: string[], cwd = temp) => run(process.execPath, [CLI, ...args], cwd);
const found = (command: string) => run('sh', ['-c', `command -v ${command}`], temp).status === 0;

/**
 * Whether a rustc the Rust scaffold's build.sh tries has std for wasm32 (Debian's does; a rustup
 * toolchain first on PATH often lacks it, and build.sh then takes Debian's).
 */
function rustWithWasmStd(): boolean {
  return ['rustc', '/usr/bin/rustc'].some((rustc) => {
    const libdir = run(
      rustc,
      ['--print', 'target-libdir', '--target', 'wasm32-unknown-unknown'],
      temp,
    );
    const dir = libdir.stdout?.trim();
    return (
      libdir.status === 0 &&
      !!dir &&
      existsSync(dir) &&
      readdirSync(dir).some((f) => f.startsWith('libstd-'))
    );
  });
}

const ajv = new Ajv2020({ allowUnionTypes: true });
for (const file of ['plugin', 'cases', 'config'])
  ajv.addSchema(JSON.parse(readFileSync(join(root, 'schemas', `${file}.schema.json`), 'utf8')));

describe('twinplug new refuses, with a usage error and nothing written', () => {
  it.each([
    ['a bad name', ['.hidden', '--lang', 'c']],
    ['a name with a slash', ['a/b', '--lang', 'c']],
    ['an unknown language', ['ok', '--lang', 'cobol']],
    ['no language', ['ok']],
    ['no name', ['--lang', 'c']],
  ])('%s', (_, args) => {
    const dir = mkdtempSync(join(temp, 'refused-'));
    const result = twinplug(['new', ...args, '--dir', dir]);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('twinplug new --help');
    expect(readdirSync(dir)).toEqual([]);
  });

  it('a folder that exists and is not empty', () => {
    const dir = mkdtempSync(join(temp, 'taken-'));
    mkdirSync(join(dir, 'mine'));
    writeFileSync(join(dir, 'mine', 'keep.txt'), 'mine');
    const result = twinplug(['new', 'mine', '--lang', 'c', '--dir', dir]);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('not empty');
    expect(readdirSync(join(dir, 'mine'))).toEqual(['keep.txt']);
  });
});

const asc = join(root, 'node_modules', '.bin', 'asc');
const LANGUAGES = [
  {
    lang: 'c',
    missing: found('cc') && found('clang') ? undefined : 'cc or clang not found',
    build: (dir: string) => run('sh', ['build.sh'], dir),
    artifacts: ['.so', '.wasm'],
  },
  {
    lang: 'rust',
    missing:
      found('cargo') && rustWithWasmStd()
        ? undefined
        : 'no cargo with std for wasm32-unknown-unknown',
    build: (dir: string) => run('sh', ['build.sh'], dir),
    artifacts: ['.so', '.wasm'],
  },
  {
    lang: 'assemblyscript',
    missing: existsSync(asc) ? undefined : 'asc not installed',
    build: (dir: string) =>
      run('npm', ['run', 'build'], dir, {
        ...process.env,
        PATH: `${join(root, 'node_modules', '.bin')}${delimiter}${process.env.PATH}`,
      }),
    artifacts: ['.wasm'],
  },
];

const onLinux = process.platform === 'linux' ? undefined : 'the build scripts are checked on Linux';

describe.each(LANGUAGES)(
  'twinplug new --lang $lang',
  ({ lang, missing: lacking, build, artifacts }) => {
    const missing = onLinux ?? lacking;
    it.skipIf(missing !== undefined)(
      `builds every backend and passes conformance untouched${missing ? ` (skipped: ${missing})` : ''}`,
      () => {
        const name = `first-${lang}`;
        const dir = join(temp, name);
        expect(twinplug(['new', name, '--lang', lang, '--dir', temp]).status).toBe(0);
        // The PDK stays in the package: no copy of it in the plugin folder.
        const written = readdirSync(dir, { recursive: true }).map(String);
        expect(written.filter((file) => /twinplug|wasm_support/.test(file))).toEqual([]);
        for (const [file, schema] of [
          ['plugin.json', 'plugin'],
          ['cases.json', 'cases'],
        ] as const) {
          const validate = ajv.getSchema(`https://twinplug.dev/schemas/${schema}.schema.json`)!;
          expect(validate(JSON.parse(readFileSync(join(dir, file), 'utf8')))).toBe(true);
        }
        const built = build(dir);
        expect(built.status, built.stderr).toBe(0);
        for (const extension of artifacts)
          expect(existsSync(join(dir, `${name}${extension}`))).toBe(true);
        // The scaffold calls the host through the PDK: its Wasm build imports the one function
        // it calls.
        const wasm = new WebAssembly.Module(readFileSync(join(dir, `${name}.wasm`)));
        const imports = WebAssembly.Module.imports(wasm).map((i) => `${i.module}.${i.name}`);
        expect(imports.filter((i) => i.startsWith('twinplug_v1.'))).toEqual(['twinplug_v1.log']);
        const conformance = twinplug(
          ['conformance', '--plugin', '.', '--fuzz', '200', '--seed', '1'],
          dir,
        );
        expect(conformance.status, conformance.stdout + conformance.stderr).toBe(0);
        expect(conformance.stdout).toContain(`PASS: 2/2 cases`);
        expect(conformance.stdout).toContain(`${artifacts.length} artifact(s) run, 0 skipped`);
      },
      300_000,
    );
  },
);
