import { constants } from 'node:fs';
import { lstat, mkdir, open, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { type Backend, deployArtifact, sha256Hex } from '../../runtime/index.js';
import { ServerError } from '../errors/server-error.js';

const NATIVE_SUFFIX =
  process.platform === 'win32' ? '.dll' : process.platform === 'darwin' ? '.dylib' : '.so';

/** The file a backend's build has in a plugin folder: `<name>.wasm`, or this host's library suffix. */
export function artifactFile(name: string, backend: Backend): string {
  return `${name}${backend === 'wasm' ? '.wasm' : NATIVE_SUFFIX}`;
}

/** Inside a plugin's folder; the watcher looks only at the folder's own files, not below. */
const ARCHIVE = '.previous';
const KEEP = 5;

function isLink(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException).code;
  return code === 'ELOOP' || code === 'EMLINK';
}

/** A regular file's bytes, never through a symbolic link; undefined when there is none. */
export async function readNoFollow(path: string): Promise<Uint8Array | undefined> {
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW);
  } catch (error) {
    if (isLink(error)) throw linked(path);
    return undefined;
  }
  try {
    if (!(await handle.stat()).isFile()) return undefined;
    return new Uint8Array(await handle.readFile());
  } finally {
    await handle.close();
  }
}

function linked(path: string): ServerError {
  return new ServerError(
    'ARTIFACT_IS_LINK',
    `${path} is a symbolic link (or not a regular file); replace it by hand`,
  );
}

/** Refuses when `path` exists and is anything but a regular file (a link, a folder). */
export async function assertPlainOrMissing(path: string): Promise<void> {
  const info = await lstat(path).catch(() => undefined);
  if (info !== undefined && !info.isFile()) throw linked(path);
}

/** `<plugins>/<name>/.previous`, created if missing; refused if it is a link. */
async function archiveDir(root: string, name: string): Promise<string> {
  const dir = join(root, name, ARCHIVE);
  await mkdir(dir, { recursive: true, mode: 0o755 });
  if (!(await lstat(dir)).isDirectory()) throw linked(dir);
  return dir;
}

/**
 * Keeps the build an upload is about to replace, as `<plugins>/<name>/.previous/<sha256><ext>`
 * (the newest few), so that a rollback can put it back into the folder. Never follows a link.
 */
export async function archiveBeforeReplace(root: string, name: string, file: string) {
  const bytes = await readNoFollow(join(root, name, file));
  if (bytes === undefined) return; // nothing to replace
  const dir = await archiveDir(root, name);
  const target = join(dir, `${sha256Hex(bytes)}${extname(file)}`);
  const temp = `${target}.${process.pid}.tmp`;
  await writeFile(temp, bytes, { mode: 0o644 });
  await rename(temp, target);
  const entries = (await readdir(dir)).filter((entry) => !entry.endsWith('.tmp'));
  const kept = await Promise.all(
    entries.map(async (entry) => ({ entry, mtime: (await lstat(join(dir, entry))).mtimeMs })),
  );
  kept.sort((a, b) => b.mtime - a.mtime);
  await Promise.all(kept.slice(KEEP).map(({ entry }) => rm(join(dir, entry), { force: true })));
}

/**
 * Puts an archived build back as `<plugins>/<name>/<file>` (atomic rename) when the folder holds
 * another one, so that a process started after a rollback loads the build rolled back to.
 * Returns false when that build was never archived.
 */
export async function restoreArchived(
  root: string,
  name: string,
  file: string,
  wanted: string,
): Promise<boolean> {
  const current = await readNoFollow(join(root, name, file));
  if (current !== undefined && sha256Hex(current) === wanted) return true;
  const archived = await readNoFollow(join(root, name, ARCHIVE, `${wanted}${extname(file)}`));
  if (archived === undefined || sha256Hex(archived) !== wanted) return false;
  // The build rolled back from is archived in turn: rolling back again brings it back.
  await archiveBeforeReplace(root, name, file);
  await deployArtifact(root, name, file, archived);
  return true;
}

/** Archives the build in the folder, then writes the new one (atomic rename). */
export async function replaceArtifact(root: string, name: string, file: string, bytes: Uint8Array) {
  await assertPlainOrMissing(join(root, name, file));
  await archiveBeforeReplace(root, name, file);
  await deployArtifact(root, name, file, bytes);
}
