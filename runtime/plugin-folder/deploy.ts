import { randomBytes } from 'node:crypto';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { PluginError } from '../errors.js';
import { isValidPluginName } from '../plugin-info.js';
import { isPluginFile } from './folder-scan.js';

/**
 * Writes `<root>/<name>/<file>` the way a watched folder wants it: complete bytes in a temporary
 * file beside it (a name the watcher ignores), flushed, then renamed over the target, so the
 * watcher and the registry only ever see the whole artifact. Returns the target's path.
 *
 * @example
 * await deployArtifact('build/plugins', 'upper', 'upper.wasm', bytes); // the watcher hot-swaps it
 */
export async function deployArtifact(
  root: string,
  name: string,
  file: string,
  bytes: Uint8Array,
): Promise<string> {
  if (!isValidPluginName(name)) {
    throw new PluginError('PLUGIN_INVALID_OPTIONS', `"${name}" is not a valid plugin name`);
  }
  if (!isPluginFile(name, file) || file.includes('/') || file.includes('\\')) {
    throw new PluginError('PLUGIN_INVALID_OPTIONS', `"${file}" is not a file of plugin "${name}"`);
  }
  const dir = join(root, name);
  await mkdir(dir, { recursive: true });
  const target = join(dir, file);
  const temp = join(dir, `.${file}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    const handle = await open(temp, 'wx');
    try {
      await handle.writeFile(bytes);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, target);
  } catch (error) {
    await rm(temp, { force: true });
    throw new PluginError('PLUGIN_LOAD_FAILED', `cannot write ${target}: ${String(error)}`, {
      cause: error,
      details: { path: target },
    });
  }
  return target;
}
