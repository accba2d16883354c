import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The sample plugins every backend ships, in the order demos and reports list them. */
export const SAMPLE_NAMES = ['upper', 'crc32', 'pricing', 'redact'] as const;
export type SampleName = (typeof SAMPLE_NAMES)[number];

/** Samples that use the host API or a libc, built by the toolchains each needs (docs/samples.md). */
export const HOST_SAMPLE_NAMES = ['visits', 'stats', 'tally'] as const;
export type HostSampleName = (typeof HOST_SAMPLE_NAMES)[number];

export type Toolchain = 'cc' | 'cxx' | 'clang-wasm' | 'clang-wasi' | 'asc' | 'cargo' | 'cargo-wasm';

export interface BuiltArtifact {
  readonly kind: 'sample' | 'fixture' | 'third-party';
  readonly name: string;
  readonly backend: 'native' | 'wasm';
  readonly toolchain: Toolchain;
  /** Absolute path. */
  readonly path: string;
}

export interface ArtifactManifest {
  readonly root: string;
  readonly built: readonly BuiltArtifact[];
  readonly skipped: readonly {
    readonly toolchain: string;
    readonly reason: string;
    readonly names?: readonly string[];
  }[];
}

/** The repository root: the nearest folder above this file holding package.json. */
export function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('cannot find the repository root');
    dir = parent;
  }
  return dir;
}

/**
 * Reads build/artifacts.json, which `npm run build:plugins` writes, or the manifest of a
 * cross build (`buildDir` build/win32-x64, from `build:plugins --target=win32-x64`).
 */
export function readArtifactManifest(root = repoRoot(), buildDir = 'build'): ArtifactManifest {
  const file = join(root, buildDir, 'artifacts.json');
  if (!existsSync(file))
    throw new Error(`${file} is missing: run \`npm run build:plugins\` (npm install runs it)`);
  const raw = JSON.parse(readFileSync(file, 'utf8')) as {
    built: BuiltArtifact[];
    skipped: ArtifactManifest['skipped'];
  };
  return {
    root,
    built: raw.built.map((entry) => ({ ...entry, path: resolve(root, entry.path) })),
    skipped: raw.skipped,
  };
}

/** Every built artifact of one sample or fixture: its twins. */
export function twinsOf(
  manifest: ArtifactManifest,
  name: string,
  kind: BuiltArtifact['kind'] = 'sample',
): BuiltArtifact[] {
  return manifest.built.filter((entry) => entry.kind === kind && entry.name === name);
}

/** The artifact a toolchain built for a sample or fixture, if it did. */
export function findArtifact(
  manifest: ArtifactManifest,
  name: string,
  toolchain: Toolchain,
  kind: BuiltArtifact['kind'] = 'sample',
): BuiltArtifact | undefined {
  return twinsOf(manifest, name, kind).find((entry) => entry.toolchain === toolchain);
}

/** The path a toolchain built, failing loudly when a toolchain that ran did not build it. */
export function requireArtifact(
  manifest: ArtifactManifest,
  name: string,
  toolchain: Toolchain,
  kind: BuiltArtifact['kind'] = 'sample',
): string {
  const found = findArtifact(manifest, name, toolchain, kind);
  if (found === undefined)
    throw new Error(`${toolchain} did not build ${kind} ${name}: run npm run build:plugins`);
  return found.path;
}

/** Why a toolchain built nothing, when it was skipped as a whole (not just for some artifacts). */
export function skipReason(manifest: ArtifactManifest, toolchain: Toolchain): string | undefined {
  return manifest.skipped.find(
    (entry) => entry.toolchain === toolchain && entry.names === undefined,
  )?.reason;
}
