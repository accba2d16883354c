// The legacy fixtures of docs/legacy-dlls.md (plugins-dll/legacy/), their adapters, and how to
// lay one out as a plugin folder: shared by the runtime's, the server's, conformance's and the
// Windows run's tests.
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import type { FunctionsAdapter, IModuleAdapter } from '../runtime/index.js';
import { type ArtifactManifest, requireArtifact, type Toolchain } from './artifacts.js';

/** shout.cpp's IModule: the prefix (config) then the input upper-cased. */
export const SHOUT_ADAPTER: IModuleAdapter = {
  kind: 'imodule',
  destroy: 'DestroyModule',
  outputCapacity: 256,
  info: { name: 'shout', version: '1.0.0', description: 'The prefix, then the input upper-cased' },
};

/** rot13.c: __stdcall on 32-bit Windows, the length-pointer convention. */
export const ROT13_ADAPTER: FunctionsAdapter = {
  kind: 'functions',
  convention: 'buffer-length-pointer',
  process: 'int __stdcall Transform(const char *in, int len, char *out, int *outLen)',
  init: 'int __stdcall Rot13Init(const char *config)',
  cleanup: 'void __stdcall Rot13Shutdown(void)',
  info: 'const char *__stdcall Rot13Info(void)',
};

/** greet.c: a string it allocates, released by GreetFree. */
export const GREET_ADAPTER: FunctionsAdapter = {
  kind: 'functions',
  convention: 'string-returned',
  process: 'char *Greet(const char *name)',
  free: 'void GreetFree(char *text)',
  pluginInfo: { name: 'greet', version: '1.0.0', description: 'Hello, <name>!' },
};

export const LEGACY = {
  shout: { native: 'legacy-shout', toolchain: 'cxx', adapter: SHOUT_ADAPTER },
  rot13: { native: 'legacy-rot13', toolchain: 'cc', adapter: ROT13_ADAPTER },
  greet: { native: 'legacy-greet', toolchain: 'cc', adapter: GREET_ADAPTER },
} as const satisfies Record<string, { native: string; toolchain: Toolchain; adapter: unknown }>;

export type LegacyName = keyof typeof LEGACY;

/** The legacy library and its Wasm port, as built. */
export function legacyPair(
  manifest: ArtifactManifest,
  name: LegacyName,
): { native: string; wasm: string } {
  const { native, toolchain } = LEGACY[name];
  return {
    native: requireArtifact(manifest, native, toolchain, 'fixture'),
    wasm: requireArtifact(manifest, `legacy-${name}-port`, 'clang-wasm', 'fixture'),
  };
}

/**
 * Writes `<root>/<name>/` as a watched folder wants it: the given artifacts renamed
 * `<name>.so|.dll|.wasm`, and a plugin.json with the adapter and `extra` keys.
 */
export function writeLegacyFolder(
  root: string,
  name: LegacyName,
  artifacts: readonly string[],
  extra: Record<string, unknown> = {},
): string {
  const dir = join(root, name);
  mkdirSync(dir, { recursive: true });
  for (const artifact of artifacts)
    copyFileSync(artifact, join(dir, `${name}${extname(artifact)}`));
  const manifest = { adapter: LEGACY[name].adapter, ...extra };
  writeFileSync(join(dir, 'plugin.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  return dir;
}
