// What the Windows scenarios share: the cross-built DLLs (build/win32-x64/artifacts.json), the
// Wasm twins built on the host (build/artifacts.json), temporary folders, the CLI.
import { type SpawnSyncReturns, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type BuiltArtifact,
  findArtifact,
  readArtifactManifest,
  repoRoot,
} from '../../scripts/artifacts.js';

export const ROOT = repoRoot();
const windowsBuild = readArtifactManifest(ROOT, join('build', 'win32-x64'));
const hostBuild = readArtifactManifest(ROOT);

if (process.platform !== 'win32')
  throw new Error('the Windows suite runs under Windows Node.js: npm run test:windows');

/** A DLL built by MinGW (gcc, or g++ for `cxx`) for win32-x64, failing loudly when the cross build did not make it. */
export function dll(
  name: string,
  kind: BuiltArtifact['kind'] = 'sample',
  toolchain: 'cc' | 'cxx' = 'cc',
): string {
  const found = findArtifact(windowsBuild, name, toolchain, kind);
  if (found === undefined)
    throw new Error(`build/win32-x64 has no ${kind} ${name}: run build:plugins --target=win32-x64`);
  return found.path;
}

/** An artifact built on the host (the Wasm twins, a Linux .so), for comparison. */
export function hostArtifact(
  name: string,
  toolchain: 'cc' | 'asc' | 'clang-wasm',
  kind: BuiltArtifact['kind'] = 'sample',
): string {
  const found = findArtifact(hostBuild, name, toolchain, kind);
  if (found === undefined) throw new Error(`build/ has no ${toolchain} ${kind} ${name}`);
  return found.path;
}

export const utf8 = (value: string): Uint8Array => new TextEncoder().encode(value);
export const text = (bytes: Uint8Array): string => new TextDecoder().decode(bytes);

/**
 * A fresh folder under the Windows temp folder, removed by the returned function. Removal
 * leaves what Windows still holds mapped: Wine keeps a DLL whose load failed mapped until the
 * process exits (docs/windows.md), and the runtime's sweep takes its shadow folder later.
 */
export function tempDir(prefix: string): { path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), `twinplug-win-${prefix}-`));
  const remove = () => {
    try {
      rmSync(path, { recursive: true, force: true });
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'EPERM' && code !== 'EBUSY') throw error;
    }
  };
  return { path, remove };
}

/** The files of each load folder (<shadowDir>/<private folder>/<n>-<sha256>/) that a shadow folder holds. */
export function shadowLoads(shadowDir: string): { dir: string; files: string[] }[] {
  const loads: { dir: string; files: string[] }[] = [];
  for (const mine of readdirSync(shadowDir)) {
    for (const load of readdirSync(join(shadowDir, mine))) {
      const dir = join(shadowDir, mine, load);
      loads.push({ dir, files: readdirSync(dir).sort() });
    }
  }
  return loads;
}

/** Runs the twinplug CLI with this same Windows node.exe. */
export function cli(args: readonly string[]): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, [join(ROOT, 'dist', 'cli', 'main.js'), ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
}

/** The error code of a synchronous fs call that is expected to fail. */
export function errnoOf(action: () => void): string | undefined {
  try {
    action();
    return undefined;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code ?? String(error);
  }
}
