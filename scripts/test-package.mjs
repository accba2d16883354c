#!/usr/bin/env node
// The package as a user gets it: `npm pack`, then the tarball installed into an empty project in a
// temporary folder that cannot see this repository, and there: a strict TypeScript file importing
// the public API type-checks, and the CLI's --version, call, conformance and serve work on sample
// artifacts copied in for the test; a scaffold per language builds against the installed PDKs
// and passes conformance (scripts/test-package/pdk.mjs). Prints the packed size and file count;
// exits 1 on any failure.
import { execFileSync, spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pdkSteps } from './test-package/pdk.mjs';

const root = resolve(import.meta.dirname, '..');
const work = mkdtempSync(join(tmpdir(), 'twinplug-package-'));
const project = join(work, 'project');
const results = [];

function npm(args, cwd) {
  return execFileSync('npm', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

function run(command, args, cwd) {
  return execFileSync(command, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

async function step(name, body) {
  try {
    await body();
    results.push({ name, ok: true });
    console.log(`  ok    ${name}`);
  } catch (error) {
    results.push({ name, ok: false });
    console.log(
      `  FAIL  ${name}\n${String(error.stderr ?? '')}${String(error.stdout ?? '')}${error.message}`,
    );
  }
}

function expect(condition, message) {
  if (!condition) throw new Error(message);
}

function pack() {
  // prepack is a clean build; run apart so its output stays out of pack's JSON.
  npm(['run', 'prepack'], root);
  const [packed] = JSON.parse(
    npm(['pack', '--json', '--ignore-scripts', '--pack-destination', work], root),
  );
  const forbidden = packed.files.filter((file) =>
    /(\.test\.|test-support\/|^bench\/|^dist\/bench\/|^\.ci\/|fixtures\/|^windows\/|^dist\/windows\/|^dist\/scripts\/)/.test(
      file.path,
    ),
  );
  console.log(
    `packed ${packed.filename}: ${packed.size} bytes, ${packed.unpackedSize} unpacked, ${packed.entryCount} files`,
  );
  expect(forbidden.length === 0, `the package ships ${forbidden.map((f) => f.path).join(', ')}`);
  const paths = new Set(packed.files.map((file) => file.path));
  const missing = PDK_FILES.filter((file) => !paths.has(file));
  expect(missing.length === 0, `the package lacks ${missing.join(', ')}`);
  const built = packed.files.filter((file) => /^pdk\/rust\/(target|Cargo\.lock)/.test(file.path));
  expect(
    built.length === 0,
    `the package ships build output ${built.map((f) => f.path).join(', ')}`,
  );
  return join(work, packed.filename);
}

/** What a plugin project needs of each PDK (docs/authoring.md). */
const PDK_FILES = [
  'pdk/c/twinplug.h',
  'pdk/c/twinplug_wasm.c',
  'pdk/rust/Cargo.toml',
  'pdk/rust/src/lib.rs',
  'pdk/assemblyscript/index.ts',
];

function artifact(name, backend) {
  const manifest = JSON.parse(readFileSync(join(root, 'build', 'artifacts.json'), 'utf8'));
  const entry = manifest.built.find(
    (built) => built.kind === 'sample' && built.name === name && built.backend === backend,
  );
  expect(entry !== undefined, `no ${backend} build of ${name}: run npm run build:plugins`);
  return resolve(root, entry.path);
}

function freePort() {
  return new Promise((done, fail) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => done(port));
    });
    server.on('error', fail);
  });
}

async function serveAnswers(bin, plugins) {
  const port = await freePort();
  const child = spawn(
    process.execPath,
    [bin, 'serve', '--plugins', plugins, '--port', String(port)],
    {
      cwd: project,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  try {
    const ready = new Promise((done, fail) => {
      let log = '';
      child.stdout.on('data', (chunk) => {
        log += chunk;
        if (log.includes('"ready"')) done();
      });
      child.once('exit', (code) => fail(new Error(`serve exited ${code}: ${log}`)));
    });
    await ready;
    const response = await fetch(`http://127.0.0.1:${port}/v1/plugins/upper`, {
      method: 'POST',
      body: 'hello, package',
    });
    const text = await response.text();
    expect(
      response.status === 200 && text === 'HELLO, PACKAGE',
      `serve answered ${response.status} ${text}`,
    );
    // The OpenAPI document is built at run time by runtime dependencies (@hono/zod-openapi, zod).
    const described = await fetch(`http://127.0.0.1:${port}/openapi.json`);
    const document = await described.json();
    expect(
      described.status === 200 &&
        document.openapi === '3.1.0' &&
        document.paths['/v1/plugins/{ref}']?.post !== undefined,
      `/openapi.json answered ${described.status}`,
    );
  } finally {
    await stopped(child);
  }
}

/** SIGTERM, then the exit: a server that does not stop within 10 s fails the step (and is killed). */
async function stopped(child) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exit = new Promise((done) => child.once('exit', done));
  child.kill('SIGTERM');
  let timer;
  const late = new Promise((done) => {
    timer = setTimeout(() => done('late'), 10_000);
  });
  const outcome = await Promise.race([exit, late]);
  clearTimeout(timer);
  if (outcome !== 'late') return;
  child.kill('SIGKILL');
  throw new Error('serve did not exit within 10 s of SIGTERM');
}

const TYPED_USE = `import { isPluginError, loadPlugin, type Plugin, type PluginErrorCode } from 'twinplug';
import { runConformance } from 'twinplug/conformance';

const code: PluginErrorCode = 'PLUGIN_TIMEOUT';
export async function upper(path: string, text: string): Promise<string> {
  const plugin: Plugin = await loadPlugin({ path, isolation: 'in-process' });
  try {
    return new TextDecoder().decode(await plugin.processData(new TextEncoder().encode(text)));
  } catch (error) {
    if (isPluginError(error, code)) return '';
    throw error;
  } finally {
    await plugin.close();
  }
}
export type Conformance = typeof runConformance;
`;

try {
  let tarball = '';
  await step('npm pack: no tests, fixtures, benchmarks or CI files in the package', () => {
    tarball = pack();
  });
  mkdirSync(project);
  writeFileSync(
    join(project, 'package.json'),
    JSON.stringify({ name: 'uses-twinplug', private: true, type: 'module' }),
  );
  const typescript = JSON.parse(
    readFileSync(join(root, 'node_modules/typescript/package.json')),
  ).version;
  const nodeTypes = JSON.parse(
    readFileSync(join(root, 'node_modules/@types/node/package.json')),
  ).version;
  // The AssemblyScript scaffold's compiler, as its package.json would install it.
  const asc = JSON.parse(
    readFileSync(join(root, 'node_modules/assemblyscript/package.json')),
  ).version;
  await step('the tarball installs into an empty project', () => {
    npm(
      [
        'install',
        '--no-audit',
        '--no-fund',
        '--prefer-offline',
        tarball,
        `typescript@${typescript}`,
        `@types/node@${nodeTypes}`,
        `assemblyscript@${asc}`,
      ],
      project,
    );
  });
  await step('a strict TypeScript file importing the public API type-checks', () => {
    writeFileSync(join(project, 'use.ts'), TYPED_USE);
    writeFileSync(
      join(project, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          strict: true,
          noEmit: true,
          module: 'nodenext',
          moduleResolution: 'nodenext',
          target: 'ES2022',
          types: ['node'],
          exactOptionalPropertyTypes: true,
          noUncheckedIndexedAccess: true,
        },
        files: ['use.ts'],
      }),
    );
    run(
      process.execPath,
      [join(project, 'node_modules/typescript/bin/tsc'), '-p', project],
      project,
    );
  });
  const bin = join(project, 'node_modules/twinplug/dist/cli/main.js');
  const artifacts = join(project, 'artifacts');
  mkdirSync(join(artifacts, 'upper'), { recursive: true });
  const wasm = join(artifacts, 'upper', 'upper.wasm');
  const native = join(artifacts, `upper${artifact('upper', 'native').match(/\.[a-z]+$/)[0]}`);
  copyFileSync(artifact('upper', 'wasm'), wasm);
  copyFileSync(artifact('upper', 'native'), native);
  await step('npx twinplug --version', () => {
    const version = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version;
    expect(run('npx', ['twinplug', '--version'], project).trim() === version, 'wrong version');
  });
  await step('npx twinplug call on a sample artifact', () => {
    const out = run('npx', ['twinplug', 'call', wasm, '--input', 'hello'], project);
    expect(out === 'HELLO', `call printed ${JSON.stringify(out)}`);
  });
  await step('npx twinplug conformance on two twins', () => {
    run('npx', ['twinplug', 'conformance', wasm, native, '--fuzz', '500'], project);
  });
  await step('the JSON Schemas ship with the package', () => {
    for (const file of ['plugin', 'cases', 'config'])
      JSON.parse(readFileSync(join(project, `node_modules/twinplug/schemas/${file}.schema.json`)));
  });
  await pdkSteps(step, project);
  await step('npx twinplug serve --plugins DIR answers a request and GET /openapi.json', () =>
    serveAnswers(bin, artifacts),
  );
} finally {
  rmSync(work, { recursive: true, force: true });
}

const failed = results.filter((result) => !result.ok).length;
console.log(`package: ${results.length - failed} passed, ${failed} failed`);
process.exitCode = failed === 0 ? 0 : 1;
