import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Backend } from '../plugin.js';

/** The files of `<root>/<name>/` that matter; anything else in the folder is ignored. */
export interface PluginFolderContents {
  readonly name: string;
  readonly dir: string;
  readonly wasm: string | undefined;
  /** Native libraries present, this host's kind (.dll, .dylib or .so) first. */
  readonly native: readonly string[];
  readonly manifest: string | undefined;
  readonly cases: string | undefined;
}

/** native on Windows (where the DLLs are the product), wasm elsewhere. */
export const DEFAULT_PREFERENCE: Backend = process.platform === 'win32' ? 'native' : 'wasm';

const HOST_NATIVE_SUFFIX =
  process.platform === 'win32' ? '.dll' : process.platform === 'darwin' ? '.dylib' : '.so';
const NATIVE_SUFFIXES = [
  HOST_NATIVE_SUFFIX,
  ...['.dll', '.dylib', '.so'].filter((suffix) => suffix !== HOST_NATIVE_SUFFIX),
];

/** The file names in a plugin folder that a change to should trigger a re-read. */
export function isPluginFile(name: string, file: string): boolean {
  return (
    file === 'plugin.json' ||
    file === 'cases.json' ||
    file === `${name}.wasm` ||
    NATIVE_SUFFIXES.some((suffix) => file === `${name}${suffix}`)
  );
}

/** Lists a plugin folder; undefined when it does not exist (or is not a folder). */
export async function scanPluginFolder(
  root: string,
  name: string,
): Promise<PluginFolderContents | undefined> {
  const dir = join(root, name);
  let files: Set<string>;
  try {
    const entries = await readdir(dir, { withFileTypes: true });
    files = new Set(entries.filter((entry) => entry.isFile()).map((entry) => entry.name));
  } catch {
    return undefined;
  }
  const pick = (file: string) => (files.has(file) ? join(dir, file) : undefined);
  return {
    name,
    dir,
    wasm: pick(`${name}.wasm`),
    native: NATIVE_SUFFIXES.map((suffix) => pick(`${name}${suffix}`)).filter(
      (path): path is string => path !== undefined,
    ),
    manifest: pick('plugin.json'),
    cases: pick('cases.json'),
  };
}

/** The folder's contents without the other backend's artifacts, when only one backend is served. */
export function withOnly(
  contents: PluginFolderContents,
  only: Backend | undefined,
): PluginFolderContents {
  if (only === undefined) return contents;
  return only === 'wasm' ? { ...contents, native: [] } : { ...contents, wasm: undefined };
}

/** The artifacts in order of preference: the preferred backend's first, its twin after. */
export function orderArtifacts(contents: PluginFolderContents, prefer: Backend): string[] {
  const wasm = contents.wasm === undefined ? [] : [contents.wasm];
  return prefer === 'wasm' ? [...wasm, ...contents.native] : [...contents.native, ...wasm];
}

/** Size and mtime of each file, as text: two equal fingerprints mean nothing was written between. */
export interface Fingerprint {
  readonly print: string;
  /** Every file was there and held at least one byte. */
  readonly filled: boolean;
}

export async function fingerprint(paths: readonly string[]): Promise<Fingerprint> {
  let filled = true;
  const parts = await Promise.all(
    paths.map(async (path) => {
      try {
        const info = await stat(path);
        if (info.size === 0) filled = false;
        return `${path}:${info.size}:${info.mtimeMs}`;
      } catch {
        filled = false;
        return `${path}:missing`;
      }
    }),
  );
  return { print: parts.join('\n'), filled };
}

/** Every file of the folder that matters, for fingerprinting. */
export function folderFiles(contents: PluginFolderContents): string[] {
  return [contents.wasm, ...contents.native, contents.manifest, contents.cases].filter(
    (path): path is string => path !== undefined,
  );
}
