import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { lstat, mkdir, open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

const { O_CREAT, O_EXCL, O_NOFOLLOW, O_WRONLY } = constants;

/**
 * Makes `dir` (0700) if it is missing and refuses one that another local user could use: a
 * link, not a directory, owned by another user, or open to group or others.
 */
export async function ensurePrivateDir(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const info = await lstat(dir);
  const why = !info.isDirectory()
    ? 'is not a directory (or is a link)'
    : process.getuid !== undefined && info.uid !== process.getuid()
      ? 'belongs to another user'
      : process.platform !== 'win32' && (info.mode & 0o077) !== 0
        ? 'is open to group or others (want 0700)'
        : undefined;
  if (why !== undefined) throw new Error(`${dir} ${why}`);
}

/**
 * Replaces `path` atomically: a fresh temporary file beside it (created exclusively, never
 * through a link, mode 0600), written and flushed, then renamed over the old one (a rename
 * replaces a link planted at the path, it does not write through it).
 */
export async function writePrivateFile(path: string, data: string | Uint8Array): Promise<void> {
  const temporary = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}`);
  const handle = await open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, 0o600);
  try {
    await handle.writeFile(data);
    await handle.sync();
    await handle.close();
    await rename(temporary, path);
  } catch (error) {
    await handle.close().catch(() => {});
    await rm(temporary, { force: true });
    throw error;
  }
}
