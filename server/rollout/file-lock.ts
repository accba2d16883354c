import { randomBytes } from 'node:crypto';
import { link, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { isProcessAlive } from '../../runtime/index.js';

/** A lock file without an owner's pid (written by an older twinplug) is taken over at this age. */
const OWNERLESS_STALE_MS = 30_000;

async function isStale(path: string, holder: string): Promise<boolean> {
  const pid = Number.parseInt(holder, 10);
  if (Number.isInteger(pid) && pid > 0) return !isProcessAlive(pid);
  const age = await stat(path).then(
    (info) => Date.now() - info.mtimeMs,
    () => 0,
  );
  return age > OWNERLESS_STALE_MS;
}

/**
 * Takes a lock file that names its owner (`<pid> <random>`): the file is written beside it and
 * hard-linked into place, so it appears complete and at once, and `link` fails while another
 * holds the lock. A waiter takes the lock over only when the process it names is gone (the
 * plugins folder is local to this host), never because the lock is old: a slow holder still
 * holds it. Resolves with the release, or undefined once `waitMs` passed.
 */
export async function fileLock(
  path: string,
  options: { readonly waitMs: number; readonly sleep: (ms: number) => Promise<unknown> },
): Promise<(() => Promise<void>) | undefined> {
  const token = `${process.pid} ${randomBytes(8).toString('hex')}\n`;
  const temp = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  await writeFile(temp, token, { flag: 'wx', mode: 0o644 });
  const deadline = Date.now() + options.waitMs;
  try {
    for (;;) {
      try {
        await link(temp, path);
        return async () => {
          if ((await readFile(path, 'utf8').catch(() => '')) === token)
            await rm(path, { force: true });
        };
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
      const holder = await readFile(path, 'utf8').catch(() => undefined);
      if (holder !== undefined && (await isStale(path, holder))) {
        // Removed only if it is still the dead owner's lock (re-read just before).
        if ((await readFile(path, 'utf8').catch(() => undefined)) === holder)
          await rm(path, { force: true });
        continue;
      }
      if (Date.now() > deadline) return undefined;
      await options.sleep(5);
    }
  } finally {
    await rm(temp, { force: true });
  }
}
