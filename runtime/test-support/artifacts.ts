import {
  type BuiltArtifact,
  readArtifactManifest,
  requireArtifact,
  skipReason,
  type Toolchain,
} from '../../scripts/artifacts.js';

export const manifest = readArtifactManifest();

export const TOOLCHAINS: readonly Toolchain[] = ['cc', 'asc', 'clang-wasm'];

/** A describe() title that carries why a toolchain's tests are skipped, so no skip is silent. */
export function toolchainTitle(toolchain: Toolchain): string {
  const reason = skipReason(manifest, toolchain);
  return reason === undefined ? toolchain : `${toolchain} (skipped: ${reason})`;
}

export function isSkipped(toolchain: Toolchain): boolean {
  return skipReason(manifest, toolchain) !== undefined;
}

/** The artifact a toolchain built, failing loudly when a toolchain that ran did not build it. */
export function artifact(
  name: string,
  toolchain: Toolchain,
  kind: BuiltArtifact['kind'] = 'sample',
): string {
  return requireArtifact(manifest, name, toolchain, kind);
}

export const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);
export const text = (bytes: Uint8Array): string => new TextDecoder().decode(bytes);

/** Byte-for-byte equality that stays fast on megabytes and names the first differing byte. */
export function sameBytes(actual: Uint8Array, expected: Uint8Array): string {
  if (Buffer.from(actual.buffer, actual.byteOffset, actual.length).equals(expected))
    return 'identical';
  const length = Math.min(actual.length, expected.length);
  let index = 0;
  while (index < length && actual[index] === expected[index]) index += 1;
  return `differ at byte ${index} of ${actual.length} (expected ${expected.length})`;
}
