// Wine for test:windows: finds the loader, keeps a private 64-bit prefix under .cache/windows/
// reporting Windows 10 (Node.js 20 refuses older), and runs Windows programs headless with
// their stdout and stderr in files: a wine process writing to a pipe fails with EBADF.
import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import { realpath } from 'node:fs/promises';
import path from 'node:path';
import { which } from '../build-plugins/util.mjs';
import { CACHE } from './fetch.mjs';

export const WINEPREFIX = process.env.WINEPREFIX || path.join(CACHE, 'wine-prefix');
const SETUP_LOG = path.join(path.dirname(WINEPREFIX), 'wine-setup.log');

/** Debian's wine64 package installs /usr/lib/wine/wine64 and no `wine` on PATH. */
export async function findWine() {
  for (const name of ['wine64', 'wine', '/usr/lib/wine/wine64']) {
    const file = await which(name);
    if (file) return file;
  }
  return null;
}

async function findWineserver(wine) {
  const beside = path.join(path.dirname(await realpath(wine)), 'wineserver');
  return (await which(beside)) ?? (await which('wineserver'));
}

/** The environment of every wine process: this prefix, quiet, no display, no Mono or Gecko. */
export function wineEnv(extra = {}) {
  const env = { ...process.env, ...extra };
  delete env.DISPLAY;
  delete env.WAYLAND_DISPLAY;
  return {
    ...env,
    WINEPREFIX,
    WINEARCH: 'win64',
    WINEDEBUG: '-all',
    WINEDLLOVERRIDES: 'mscoree,mshtml=',
  };
}

/**
 * Runs `wine <args>` with stdout and stderr written to files. Resolves { code, timedOut }.
 * A run past timeoutMs is ended (with every process of this private prefix), so a wedged
 * Windows process cannot hold CI until its own limit.
 */
export function runWine(wine, args, { stdout, stderr, cwd, timeoutMs, env = {} }) {
  mkdirSync(path.dirname(stdout), { recursive: true });
  const out = openSync(stdout, 'w');
  const err = stderr === stdout ? out : openSync(stderr, 'w');
  return new Promise((resolve, reject) => {
    const child = spawn(wine, args, { cwd, env: wineEnv(env), stdio: ['ignore', out, err] });
    let timedOut = false;
    const timer = setTimeout(async () => {
      timedOut = true;
      child.kill('SIGKILL');
      await stopWineserver(wine);
    }, timeoutMs);
    const done = () => {
      clearTimeout(timer);
      closeSync(out);
      if (err !== out) closeSync(err);
    };
    child.on('error', (error) => {
      done();
      reject(error);
    });
    child.on('close', (code) => {
      done();
      resolve({ code, timedOut });
    });
  });
}

async function wineTool(wine, args) {
  return runWine(wine, args, {
    stdout: SETUP_LOG,
    stderr: SETUP_LOG,
    cwd: CACHE,
    timeoutMs: 300_000,
  });
}

/** Ends the wineserver of this prefix and every process in it (all of them ours). */
export async function stopWineserver(wine) {
  const server = await findWineserver(wine);
  if (server) await runTool(server, ['-k']);
}

/** Keeps this prefix's wineserver up between the runs, and 30 s after the last one. */
export async function keepWineserver(wine) {
  const server = await findWineserver(wine);
  if (server) await runTool(server, ['-p30']);
}

function runTool(file, args) {
  return new Promise((resolve) => {
    const child = spawn(file, args, { env: wineEnv(), stdio: 'ignore' });
    child.on('error', () => resolve(-1));
    child.on('close', resolve);
  });
}

const reportsWindows10 = () =>
  existsSync(path.join(WINEPREFIX, 'system.reg')) &&
  readFileSync(path.join(WINEPREFIX, 'system.reg'), 'latin1').includes(
    '"ProductName"="Microsoft Windows 10',
  );

/** Creates the prefix if needed and makes it report Windows 10; says what it did. */
export async function ensurePrefix(wine, log) {
  if (reportsWindows10()) return;
  mkdirSync(WINEPREFIX, { recursive: true });
  if (!existsSync(path.join(WINEPREFIX, 'system.reg'))) {
    log(`creating the Wine prefix ${WINEPREFIX} (wineboot --init)`);
    await wineTool(wine, ['wineboot', '--init']);
  }
  log('setting the Wine prefix to Windows 10 (winecfg -v win10)');
  await wineTool(wine, ['winecfg', '-v', 'win10']);
  // wineserver writes the registry to disk when it exits.
  const server = await findWineserver(wine);
  if (server) await runTool(server, ['-w']);
  if (!reportsWindows10())
    throw new Error(`the Wine prefix ${WINEPREFIX} does not report Windows 10; see ${SETUP_LOG}`);
}
