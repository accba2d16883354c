import { mkdirSync, readdirSync, rmdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Dependency } from './dependencies.js';

/** A private copy of a native library, loaded instead of the original. */
export interface ShadowCopy {
  readonly path: string;
  /** The copies of the library's own DLL dependencies, leaves first (load order). */
  readonly dependencyPaths: readonly string[];
  /** Removes the copies; never throws for a file Windows still holds mapped. */
  remove(): void;
}

let sequence = 0;
const sweptDirs = new Set<string>();

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Removes shadow copies left behind by processes that died without closing their plugins. */
function sweepStaleCopies(shadowDir: string): void {
  if (sweptDirs.has(shadowDir)) return;
  sweptDirs.add(shadowDir);
  let hashes: string[];
  try {
    hashes = readdirSync(shadowDir);
  } catch {
    return;
  }
  for (const hash of hashes) {
    for (const instance of safeReaddir(join(shadowDir, hash))) {
      const pid = Number(instance.split('-')[0]);
      if (Number.isInteger(pid) && pid !== process.pid && !isAlive(pid)) {
        removeInstance(join(shadowDir, hash, instance));
      }
    }
    removeIfEmpty(join(shadowDir, hash));
  }
}

function safeReaddir(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

/**
 * Removes a hash folder if it is empty. rmdir, not a listing then a recursive rm: other
 * processes share the shadow folder, and one may create its copy in this folder between the
 * listing and the rm, which then deleted it under that process's dlopen. rmdir lets the
 * kernel refuse (ENOTEMPTY) instead.
 */
function removeIfEmpty(dir: string): void {
  try {
    rmdirSync(dir);
  } catch {
    // Not empty (a copy of another load or process is in it), or already gone.
  }
}

/**
 * Removes a load's folder. On Windows a DLL that is still mapped cannot be deleted (another
 * plugin bound to a same-named dependency in it, or a loader that keeps a failed image mapped a
 * moment): the folder is then left for the sweep of the next process, once this one has exited,
 * rather than turning a close, or the report of a failed load, into an EPERM.
 */
function removeInstance(instanceDir: string): void {
  try {
    rmSync(instanceDir, { recursive: true, force: true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'EPERM' && code !== 'EBUSY' && code !== 'EACCES') throw error;
  }
}

/**
 * Writes `bytes` (already hashed by the caller, so what loads is what was checked) to
 * `<shadowDir>/<sha256>/<pid>-<n>/<fileName>`, and the plugin's own DLL dependencies beside it
 * (see dependencies.ts). The hash directory makes the copy content-addressed; the per-load
 * directory gives each load its own module, because dlopen and LoadLibrary hand back the
 * already-loaded module for a path they have seen, and Windows locks a loaded DLL's file.
 */
export function createShadowCopy(
  bytes: Uint8Array,
  sha256: string,
  fileName: string,
  shadowDir: string,
  dependencies: readonly Dependency[] = [],
): ShadowCopy {
  sweepStaleCopies(shadowDir);
  sequence += 1;
  const instanceDir = join(shadowDir, sha256, `${process.pid}-${sequence}`);
  mkdirSync(instanceDir, { recursive: true });
  const path = join(instanceDir, fileName);
  writeFileSync(path, bytes, { mode: 0o700 });
  for (const dependency of dependencies)
    writeFileSync(join(instanceDir, dependency.fileName), dependency.bytes, { mode: 0o700 });
  return {
    path,
    dependencyPaths: dependencies.map((dependency) => join(instanceDir, dependency.fileName)),
    remove() {
      removeInstance(instanceDir);
      removeIfEmpty(join(shadowDir, sha256));
    },
  };
}
