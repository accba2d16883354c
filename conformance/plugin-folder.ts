import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import type { Capabilities, NativeAdapter, PluginConfig } from '../runtime/index.js';
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
  /** plugin.json's `capabilities`: what the artifacts are granted (the runtime checks it). */
  readonly capabilities: Capabilities | undefined;
  /** `<dir>/cases.json`, when present. */
  readonly casesPath: string | undefined;
}

function invalid(message: string, cause?: unknown): ConformanceError {
  return new ConformanceError('CONFORMANCE_PLUGIN_DIR_INVALID', message, { cause });
}

/**
 * plugin.json as far as conformance needs it: its `config`, its `capabilities` (what the
 * artifacts are granted), and the `adapter` its native artifacts are loaded with (the loader
 * checks both). The server reads the rest (prefer, sha256, limits...) and is the one to refuse
 * keys it does not know.
 */
async function readManifest(
  dir: string,
): Promise<{ config?: unknown; adapter?: NativeAdapter; capabilities?: unknown }> {
  const file = join(dir, 'plugin.json');
  if (!existsSync(file)) return {};
  let value: unknown;
  try {
    value = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    throw invalid(`${file} is not readable JSON: ${(error as Error).message}`, error);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw invalid(`${file} must hold a JSON object`);
  return value as { config?: unknown; adapter?: NativeAdapter; capabilities?: unknown };
}

/**
 * Reads `<dir>/<name>.{dll,so,dylib,wasm}` where `<name>` is the folder's name, `plugin.json`
 * (optional: its `config` is what the plugins are initialised with) and `cases.json` (optional).
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
  const manifest = await readManifest(dir);
  const name = basename(resolve(dir));
  const { adapter } = manifest;
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
    config: manifest.config as PluginConfig | undefined,
    capabilities: manifest.capabilities as Capabilities | undefined,
    casesPath: files.includes('cases.json') ? join(dir, 'cases.json') : undefined,
  };
}
