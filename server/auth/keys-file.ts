import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import { ServerError } from '../errors/server-error.js';
import { writePrivateFile } from '../fs/private-files.js';
import { isRole, KEY_ID, type KeyRecord } from './key-record.js';
import { PLUGIN_PATTERN } from './scope.js';

const { O_RDONLY, O_NOFOLLOW } = constants;

interface KeysDocument {
  readonly version: 1;
  readonly keys: readonly KeyRecord[];
}

function invalid(path: string, why: string): ServerError {
  return new ServerError('KEYS_FILE_INVALID', `keys file ${path}: ${why}`, { path });
}

function checkRecord(value: unknown, path: string): KeyRecord {
  const record = value as Partial<KeyRecord> | null;
  const ok =
    typeof record === 'object' &&
    record !== null &&
    typeof record.id === 'string' &&
    KEY_ID.test(record.id) &&
    isRole(record.role) &&
    Array.isArray(record.scope?.plugins) &&
    record.scope.plugins.every((p) => typeof p === 'string' && PLUGIN_PATTERN.test(p)) &&
    typeof record.salt === 'string' &&
    typeof record.hash === 'string' &&
    typeof record.created === 'number';
  if (!ok) throw invalid(path, `a key record is malformed (${JSON.stringify(record?.id)})`);
  return record as KeyRecord;
}

/**
 * Reads the keys file without following a symbolic link, and refuses one that another user
 * owns or that others may write (they could add a key): a missing file is no keys.
 */
export async function readKeysFile(path: string): Promise<KeyRecord[]> {
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(path, O_RDONLY | O_NOFOLLOW);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return [];
    throw invalid(path, code === 'ELOOP' ? 'is a symbolic link' : `cannot be read (${code})`);
  }
  try {
    const info = await handle.stat();
    if (!info.isFile()) throw invalid(path, 'is not a regular file');
    if (process.getuid !== undefined && info.uid !== process.getuid())
      throw invalid(path, 'belongs to another user');
    if ((info.mode & 0o022) !== 0) throw invalid(path, 'is writable by group or others');
    let document: KeysDocument;
    try {
      document = JSON.parse(await handle.readFile('utf8')) as KeysDocument;
    } catch {
      throw invalid(path, 'is not JSON');
    }
    if (document?.version !== 1 || !Array.isArray(document.keys))
      throw invalid(path, 'is not a version 1 keys document');
    return document.keys.map((record) => checkRecord(record, path));
  } finally {
    await handle.close();
  }
}

/** Replaces the keys file atomically, never writing through a link (writePrivateFile). */
export async function writeKeysFile(path: string, keys: readonly KeyRecord[]): Promise<void> {
  const document: KeysDocument = { version: 1, keys };
  await writePrivateFile(path, `${JSON.stringify(document, null, 2)}\n`);
}
