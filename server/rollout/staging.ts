import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type Backend,
  folderSource,
  type PluginFolderContents,
  type PluginSource,
  readManifest,
  scanPluginFolder,
} from '../../runtime/index.js';
import { artifactFile } from './artifact-archive.js';

/** An upload's private staging area: a fresh 0700 folder of this process, the build in it. */
export interface Stage {
  readonly path: string;
  cleanup(): Promise<void>;
}

/** Writes the build into a new private temp folder (exclusive create: no link is followed). */
export async function stageUpload(
  name: string,
  backend: Backend,
  bytes: Uint8Array,
): Promise<Stage> {
  const dir = await mkdtemp(join(tmpdir(), 'twinplug-stage-'));
  const path = join(dir, artifactFile(name, backend));
  try {
    await writeFile(path, bytes, { flag: 'wx', mode: 0o600 });
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
  return { path, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/**
 * What the registry is asked to check for a staged build: the staged file alone, with the
 * plugin folder's plugin.json and cases.json, as the folder watcher would load it (so the
 * watcher finds the same build and options once the folder holds it, and changes nothing).
 */
export async function stagedSource(
  root: string,
  name: string,
  backend: Backend,
  stagedPath: string,
  prefer: Backend,
): Promise<{ source: PluginSource; preferred: Backend }> {
  const folder = await scanPluginFolder(root, name);
  const manifest =
    folder?.manifest === undefined ? undefined : await readManifest(folder.manifest, name);
  const contents: PluginFolderContents = {
    name,
    dir: folder?.dir ?? join(root, name),
    wasm: backend === 'wasm' ? stagedPath : undefined,
    native: backend === 'native' ? [stagedPath] : [],
    manifest: folder?.manifest,
    cases: folder?.cases,
  };
  // Validated now, whatever plugin.json says about loading lazily.
  const source = { ...folderSource(contents, manifest, prefer), lazy: false };
  return { source, preferred: manifest?.prefer ?? prefer };
}
