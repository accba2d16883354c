import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import {
  type Capabilities,
  type ComparatorSpec,
  isPluginError,
  type PluginConfig,
  type PluginManifest,
  parseManifest,
} from '../runtime/index.js';
import type { ArtifactSpec } from './artifact-set.js';
import { ConformanceError } from './errors.js';

/** Native extensions first: the library being ported is the natural reference. */
const EXTENSIONS = ['.dll', '.so', '.dylib', '.wasm'] as const;

/**
 * A plugin folder as the server lays it out: named after the plugin, its twins named after it,
 * with an optional plugin.json and cases.json.
 */
export interface PluginFolder {
  readonly dir: string;
  readonly name: string;
  /** `<name>.dll`, `<name>.so`, `<name>.dylib`, `<name>.wasm`: those present, in that order. */
  readonly artifacts: readonly ArtifactSpec[];
  /** plugin.json's `config`, when it has one: a string as its UTF-8 bytes, other JSON serialised. */
  readonly config: PluginConfig | undefined;
  /** plugin.json's `compare`: how the twins' outputs are compared. */
  readonly compare: ComparatorSpec | undefined;
  /** plugin.json's `capabilities`: what every artifact is granted of the host. */
  readonly capabilities: Capabilities | undefined;
  /** `<dir>/cases.json`, when present. */
  readonly casesPath: string | undefined;
}

function invalid(message: string, cause?: unknown): ConformanceError {
  return new ConformanceError('CONFORMANCE_PLUGIN_DIR_INVALID', message, { cause });
}

/** plugin.json, checked by the runtime's parser (the one the server uses), or undefined. */
async function readManifest(dir: string, name: string): Promise<PluginManifest | undefined> {
  const file = join(dir, 'plugin.json');
  if (!existsSync(file)) return undefined;
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw invalid(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code}`, error);
  }
  try {
    return parseManifest(text, name, file);
  } catch (error) {
    if (!isPluginError(error, 'PLUGIN_MANIFEST_INVALID')) throw error;
    throw invalid(error.message, error);
  }
}

/**
 * Reads `<dir>/<name>.{dll,so,dylib,wasm}` where `<name>` is the folder's name, `plugin.json`
 * (optional: its `config` is what the plugins are initialised with, its `capabilities` what they
 * are granted) and `cases.json` (optional).
 */
export async function readPluginFolder(dir: string): Promise<PluginFolder> {
  let files: string[];
  try {
    files = await readdir(dir);
  } catch (error) {
    throw invalid(
      `cannot read plugin folder ${dir}: ${(error as NodeJS.ErrnoException).code}`,
      error,
    );
  }
  const name = basename(resolve(dir));
  const manifest = await readManifest(dir, name);
  const adapter = manifest?.adapter;
  const artifacts = EXTENSIONS.filter((extension) => files.includes(`${name}${extension}`)).map(
    (extension) => {
      const path = join(dir, `${name}${extension}`);
      return adapter === undefined || extension === '.wasm' ? { path } : { path, adapter };
    },
  );
  if (artifacts.length === 0) {
    throw invalid(`${dir} holds no ${EXTENSIONS.map((extension) => name + extension).join(', ')}`);
  }
  return {
    dir,
    name,
    artifacts,
    config: manifest?.config as PluginConfig | undefined,
    compare: manifest?.compare,
    capabilities: manifest?.capabilities,
    casesPath: files.includes('cases.json') ? join(dir, 'cases.json') : undefined,
  };
}
