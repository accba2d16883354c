import { setImmediate as nextTurn, setTimeout as sleep } from 'node:timers/promises';
import {
  fingerprint,
  folderFiles,
  type PluginFolderContents,
  scanPluginFolder,
} from './folder-scan.js';

export interface SettleOptions {
  /** Two looks this far apart must see the same files, sizes and mtimes. */
  readonly intervalMs: number;
  /** Past this, the folder is taken as it is; a half-written artifact then fails validation. */
  readonly maxWaitMs: number;
  /** Ends the wait early (the watcher is closing); the folder is then reported as gone. */
  readonly isCancelled: () => boolean;
  /**
   * Asked once the first look found every file there and filled: true when the folder changed
   * only by files moved in whole (an atomic rename), which cannot be half-written, so the first
   * look is taken as it is. Absent: always wait.
   */
  readonly movedInWhole?: () => boolean;
}

/** A plugin folder's contents and their fingerprint (file names, sizes, mtimes). */
export interface FolderLook {
  readonly contents: PluginFolderContents | undefined;
  readonly print: string;
  /** Every file there and holding at least one byte. */
  readonly filled: boolean;
}

export async function lookAtFolder(root: string, name: string): Promise<FolderLook> {
  const contents = await scanPluginFolder(root, name);
  if (contents === undefined) return { contents, print: 'gone', filled: false };
  return { contents, ...(await fingerprint(folderFiles(contents))) };
}

/**
 * Waits until a plugin folder stops changing: the same files with the same sizes and mtimes
 * `intervalMs` apart. A copy in progress keeps growing, so it is not read half-written; an
 * atomic rename lands complete and settles on the first interval.
 */
export async function settleFolder(
  root: string,
  name: string,
  options: SettleOptions,
): Promise<FolderLook> {
  const deadline = performance.now() + options.maxWaitMs;
  let before = await lookAtFolder(root, name);
  if (before.filled && options.movedInWhole !== undefined) {
    // One turn first: a write reported in the same poll as the look's stat is then counted.
    await nextTurn();
    if (options.movedInWhole()) return before;
  }
  for (;;) {
    await sleep(options.intervalMs);
    if (options.isCancelled()) return { contents: undefined, print: 'cancelled', filled: false };
    const after = await lookAtFolder(root, name);
    if (after.print === before.print || performance.now() >= deadline) return after;
    before = after;
  }
}
