import {
  closeSync,
  constants,
  fstatSync,
  mkdirSync,
  openSync,
  readFileSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { PluginError } from '../../errors.js';
import { sha256Hex } from '../../loaded-artifact.js';
import type { Dependency } from './dependencies.js';
import { privateShadowDir, removeTree } from './shadow-dir.js';

/** A private copy of a native library, loaded instead of the original. */
export interface ShadowCopy {
  readonly path: string;
  /** The copies of the library's own DLL dependencies, leaves first (load order). */
  readonly dependencyPaths: readonly string[];
  /** Removes the copies; never throws for a file Windows still holds mapped. */
  remove(): void;
}

// O_NOFOLLOW does not exist on Windows, where O_EXCL alone refuses any existing name.
const NO_FOLLOW = constants.O_NOFOLLOW ?? 0;
const CREATE_EXCLUSIVE = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | NO_FOLLOW;
const UID = process.getuid?.();
let sequence = 0;

function tampered(path: string, why: string): PluginError {
  return new PluginError('PLUGIN_LOAD_FAILED', `shadow copy ${path} ${why}`, {
    details: { path },
  });
}

/** Creates `path`, which must not exist (not even as a link), and writes all of `bytes`. */
export function writeExclusive(path: string, bytes: Uint8Array): void {
  const fd = openSync(path, CREATE_EXCLUSIVE, 0o700);
  try {
    for (let offset = 0; offset < bytes.length; )
      offset += writeSync(fd, bytes, offset, bytes.length - offset);
  } finally {
    closeSync(fd);
  }
}

/** Reads `path` back, without following a link: a plain file of ours, one link, the same bytes. */
export function verifyCopy(path: string, sha256: string, size: number): void {
  const fd = openSync(path, constants.O_RDONLY | NO_FOLLOW);
  try {
    const info = fstatSync(fd);
    if (!info.isFile() || info.nlink !== 1 || (UID !== undefined && info.uid !== UID))
      throw tampered(path, 'is not a plain file of this user');
    if (info.size !== size || sha256Hex(readFileSync(fd)) !== sha256)
      throw tampered(path, 'does not hold the bytes that were hashed');
  } finally {
    closeSync(fd);
  }
}

function writeCopy(path: string, bytes: Uint8Array, sha256: string): void {
  writeExclusive(path, bytes);
  verifyCopy(path, sha256, bytes.length);
}

/**
 * Writes `bytes` (already hashed by the caller as `sha256`) to a fresh load folder of this
 * process's private shadow folder, `<private>/<n>-<sha256 prefix>/<fileName>`, and the plugin's
 * own DLL dependencies beside it (see dependencies.ts), each file created exclusively and read
 * back: what loads is what was hashed. Each load has its own folder because dlopen and
 * LoadLibrary hand back the already-loaded module for a path they have seen, and Windows locks
 * a loaded DLL's file.
 */
export function createShadowCopy(
  bytes: Uint8Array,
  sha256: string,
  fileName: string,
  shadowDir: string,
  dependencies: readonly Dependency[] = [],
): ShadowCopy {
  sequence += 1;
  const loadDir = join(privateShadowDir(shadowDir), `${sequence}-${sha256.slice(0, 16)}`);
  mkdirSync(loadDir, { mode: 0o700 });
  const path = join(loadDir, fileName);
  try {
    writeCopy(path, bytes, sha256);
    for (const dependency of dependencies) {
      const { bytes: dependencyBytes } = dependency;
      writeCopy(join(loadDir, dependency.fileName), dependencyBytes, sha256Hex(dependencyBytes));
    }
  } catch (error) {
    removeTree(loadDir);
    throw error;
  }
  return {
    path,
    dependencyPaths: dependencies.map((dependency) => join(loadDir, dependency.fileName)),
    remove: () => removeTree(loadDir),
  };
}
