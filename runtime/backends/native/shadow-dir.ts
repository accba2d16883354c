// The private folder a process writes its shadow copies into: `<base>/twinplug-shadow-<pid>-XXXXXX`,
// created by mkdtemp (0700, a name nobody can guess or plant in advance), checked to be ours,
// and removed when the process exits. A base another local user could write into without the
// sticky bit, or that is a link, is refused: that user could rename our folder and put theirs
// in its place. docs/security.md, "Shadow copies".
import {
  type Dirent,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  type Stats,
} from 'node:fs';
import { join } from 'node:path';
import { PluginError } from '../../errors.js';
import { isProcessAlive } from '../../process-alive.js';

const PREFIX = 'twinplug-shadow-';
const PRIVATE_NAME = /^twinplug-shadow-(\d+)-[A-Za-z0-9]{6}$/;
/** Undefined on Windows, where %TEMP% is the user's own and ACLs, not modes, decide. */
const UID = process.getuid?.();

const privateDirs = new Map<string, string>();
const sweptBases = new Set<string>();

function refused(path: string, why: string): PluginError {
  return new PluginError('PLUGIN_LOAD_FAILED', `refusing shadow folder ${path}: it ${why}`, {
    details: { shadowDir: path },
  });
}

function lstatOrUndefined(path: string): Stats | undefined {
  try {
    return lstatSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/** The base (the temp folder, or `shadowDir`): a real folder, ours or root's, not open to others unless sticky. */
function checkBase(base: string): void {
  let info = lstatOrUndefined(base);
  if (info === undefined) {
    mkdirSync(base, { recursive: true, mode: 0o700 });
    info = lstatSync(base);
  }
  if (info.isSymbolicLink()) throw refused(base, 'is a symbolic link');
  if (!info.isDirectory()) throw refused(base, 'is not a folder');
  if (UID === undefined) return;
  if (info.uid !== UID && info.uid !== 0) throw refused(base, `belongs to uid ${info.uid}`);
  if ((info.mode & 0o022) !== 0 && (info.mode & 0o1000) === 0)
    throw refused(base, 'may be written by others and is not sticky');
}

/** True when `dir` is a folder (not a link) of this user with mode 0700. */
export function isPrivateDir(info: Stats): boolean {
  if (!info.isDirectory() || info.isSymbolicLink()) return false;
  return UID === undefined || (info.uid === UID && (info.mode & 0o777) === 0o700);
}

/**
 * Removes a folder tree; fs.rm unlinks links, never follows them. On Windows a DLL still mapped
 * cannot be deleted (a loader that keeps a failed image mapped a moment): that folder is left for
 * the sweep of a later process rather than turning a close into an EPERM.
 */
export function removeTree(dir: string): void {
  try {
    rmSync(dir, { recursive: true, force: true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'EPERM' && code !== 'EBUSY' && code !== 'EACCES') throw error;
  }
}

/**
 * Removes the private folders that processes of this user left behind when they died without
 * exiting (a plugin child killed on a timeout). Only entries named as ours, that are folders
 * (a link is never followed), that this user owns, and whose process is gone.
 */
function sweepStale(base: string): void {
  if (sweptBases.has(base)) return;
  sweptBases.add(base);
  let entries: Dirent[];
  try {
    entries = readdirSync(base, { withFileTypes: true });
  } catch {
    return;
  }
  for (const entry of entries) {
    const pid = Number(PRIVATE_NAME.exec(entry.name)?.[1]);
    if (
      !entry.isDirectory() ||
      !Number.isInteger(pid) ||
      pid === process.pid ||
      isProcessAlive(pid)
    )
      continue;
    const path = join(base, entry.name);
    const info = lstatOrUndefined(path);
    if (info?.isDirectory() && (UID === undefined || info.uid === UID)) removeTree(path);
  }
}

function removeAll(): void {
  for (const dir of privateDirs.values()) removeTree(dir);
  privateDirs.clear();
}

/**
 * This process's private shadow folder under `base`, created on first use. Checked on every use:
 * a folder that went away (a temp cleaner) is created anew; one that is not private any more is
 * refused.
 */
export function privateShadowDir(base: string): string {
  const known = privateDirs.get(base);
  if (known !== undefined) {
    const info = lstatOrUndefined(known);
    if (info !== undefined && isPrivateDir(info)) return known;
    if (info !== undefined) throw refused(known, 'is no longer a private folder of this user');
  }
  checkBase(base);
  sweepStale(base);
  const dir = mkdtempSync(join(base, `${PREFIX}${process.pid}-`));
  if (!isPrivateDir(lstatSync(dir))) throw refused(dir, 'was not created private');
  if (privateDirs.size === 0) process.once('exit', removeAll);
  privateDirs.set(base, dir);
  return dir;
}
