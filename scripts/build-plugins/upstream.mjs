// Unmodified upstream C sources of the third-party twins, taken from the npm registry with
// `npm pack` (the ordinary client, pinned by version and sha512), never vendored.
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { abs, run, which } from './util.mjs';

/**
 * Where each upstream library comes from. The npm package `lz4` (node-lz4, MIT) ships LZ4 1.9.2
 * and xxHash 0.6.5 under deps/lz4 with their BSD-2-Clause licences. It is not a dependency:
 * installing it would run node-gyp on its Node addon, which twinplug does not use.
 */
export const UPSTREAM = {
  lz4: {
    spec: 'lz4@0.6.5',
    integrity:
      'sha512-KSZcJU49QZOlJSItaeIU3p8WoAvkTmD9fJqeahQXNu1iQ/kR0/mQLdbrK8JY9MY8f6AhJoMrihp1nu1xDbscSQ==',
    // Inside the package: the library sources and their licence.
    root: 'package/deps/lz4/lib',
  },
};

const CACHE = 'build/upstream';

/** The npm client that runs this build (npm sets npm_execpath), else `npm` on PATH. */
async function npmCommand() {
  const cli = process.env.npm_execpath;
  if (cli && /npm-cli\.js$/.test(cli)) return { file: process.execPath, pre: [cli] };
  const file = await which('npm');
  return file ? { file, pre: [] } : null;
}

async function download(source, dir) {
  const npm = await npmCommand();
  if (!npm) return 'npm not found';
  const packed = await run(npm.file, [...npm.pre, 'pack', source.spec, '--json', '--silent'], {
    cwd: dir,
  });
  if (!packed.ok) return `npm pack ${source.spec} failed: ${packed.stderr.trim().split('\n')[0]}`;
  const [{ filename }] = JSON.parse(packed.stdout);
  const tarball = path.join(dir, filename);
  const digest = `sha512-${createHash('sha512')
    .update(await readFile(tarball))
    .digest('base64')}`;
  if (digest !== source.integrity)
    return `${source.spec}: sha512 ${digest}, pinned ${source.integrity}`;
  const untar = await run('tar', ['-xzf', tarball, '-C', dir]);
  return untar.ok ? null : `tar: ${untar.stderr.trim()}`;
}

/**
 * The folder holding an upstream library's sources (repo-relative), downloading and checking
 * them on first use: { dir } or { missing: reason }.
 */
export async function upstreamSources(name) {
  const source = UPSTREAM[name];
  const dir = `${CACHE}/${source.spec.replace('@', '-')}`;
  if (existsSync(abs(path.join(dir, source.root)))) return { dir: `${dir}/${source.root}` };
  await mkdir(abs(CACHE), { recursive: true });
  const staging = await mkdtemp(abs(`${CACHE}/.fetch-`));
  try {
    const problem = await download(source, staging);
    if (problem) return { missing: problem };
    await rm(abs(dir), { recursive: true, force: true });
    await rename(staging, abs(dir));
    return { dir: `${dir}/${source.root}` };
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}
