import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { deployArtifact } from '../../runtime/index.js';

const NATIVE_SUFFIX =
  process.platform === 'win32' ? '.dll' : process.platform === 'darwin' ? '.dylib' : '.so';

/** The file a backend's build has in a plugin folder: `<name>.wasm`, or this host's library suffix. */
export function artifactFile(name: string, backend: 'wasm' | 'native'): string {
  return `${name}${backend === 'wasm' ? '.wasm' : NATIVE_SUFFIX}`;
}

/** Inside a plugin's folder; the watcher looks only at the folder's own files, not below. */
const ARCHIVE = '.previous';
const KEEP = 5;

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/**
 * Keeps the build an upload is about to replace, as `<plugins>/<name>/.previous/<sha256><ext>`
 * (the newest few), so that a rollback can put it back into the folder.
 */
export async function archiveBeforeReplace(
  root: string,
  name: string,
  file: string,
): Promise<void> {
  let bytes: Buffer;
  try {
    bytes = await readFile(join(root, name, file));
  } catch {
    return; // nothing to replace
  }
  const dir = join(root, name, ARCHIVE);
  await mkdir(dir, { recursive: true });
  const target = join(dir, `${sha256(bytes)}${extname(file)}`);
  const temp = `${target}.${process.pid}.tmp`;
  await writeFile(temp, bytes);
  await rename(temp, target);
  const kept = await Promise.all(
    (await readdir(dir))
      .filter((entry) => !entry.endsWith('.tmp'))
      .map(async (entry) => ({ entry, mtime: (await stat(join(dir, entry))).mtimeMs })),
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
  const current = await readFile(join(root, name, file)).catch(() => undefined);
  if (current !== undefined && sha256(current) === wanted) return true;
  const archived = await readFile(join(root, name, ARCHIVE, `${wanted}${extname(file)}`)).catch(
    () => undefined,
  );
  if (archived === undefined || sha256(archived) !== wanted) return false;
  // The build rolled back from is archived in turn: rolling back again brings it back.
  await archiveBeforeReplace(root, name, file);
  await deployArtifact(root, name, file, archived);
  return true;
}
