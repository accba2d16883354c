import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Capabilities } from '../../runtime/index.js';
import {
  type BuiltArtifact,
  type HostSampleName,
  readArtifactManifest,
  requireArtifact,
  skipReason,
  type Toolchain,
} from '../../scripts/artifacts.js';
import type { ConformanceArtifact } from '../vitest.js';

export const manifest = readArtifactManifest();

const TOOLCHAINS: readonly Toolchain[] = ['cc', 'asc', 'clang-wasm'];

/** The path a toolchain built, failing loudly when a toolchain that ran did not build it. */
export function built(
  name: string,
  toolchain: Toolchain,
  kind: BuiltArtifact['kind'] = 'sample',
): string {
  return requireArtifact(manifest, name, toolchain, kind);
}

/**
 * Every twin of a sample, labelled by toolchain, native first; a toolchain that did not run
 * (clang without wasm-ld...) appears as a skip carrying the reason build/artifacts.json gives.
 */
export function sampleTwins(name: string): ConformanceArtifact[] {
  return TOOLCHAINS.map((toolchain) => {
    const label = `${name} (${toolchain})`;
    const reason = skipReason(manifest, toolchain);
    return reason === undefined ? { label, path: built(name, toolchain) } : { label, skip: reason };
  });
}

/** The toolchains that build each host sample (docs/samples.md), native first. */
const HOST_SAMPLE_TOOLCHAINS: Record<HostSampleName, readonly Toolchain[]> = {
  visits: ['cc', 'asc', 'clang-wasm'],
  stats: ['cc', 'clang-wasi'],
  tally: ['cargo', 'cargo-wasm'],
};

/** Every twin of a host sample, as {@link sampleTwins} gives them. */
export function hostSampleTwins(name: HostSampleName): ConformanceArtifact[] {
  return HOST_SAMPLE_TOOLCHAINS[name].map((toolchain) => {
    const label = `${name} (${toolchain})`;
    const reason = skipReason(manifest, toolchain);
    return reason === undefined ? { label, path: built(name, toolchain) } : { label, skip: reason };
  });
}

/**
 * Why none of a host sample's builds exist here (every toolchain that builds it was skipped), or
 * undefined when at least one does: then its folder in build/plugins holds its cases and grants.
 */
export function hostSampleSkip(name: HostSampleName): string | undefined {
  const twins = hostSampleTwins(name);
  if (twins.some((twin) => typeof twin === 'string' || 'path' in twin)) return undefined;
  return twins
    .map((twin) => (typeof twin === 'object' && 'skip' in twin ? twin.skip : ''))
    .join('; ');
}

/** The capabilities a sample's plugin.json grants it. */
export function capabilitiesOf(name: string): Capabilities {
  const file = join(manifest.root, 'build', 'plugins', name, 'plugin.json');
  return (JSON.parse(readFileSync(file, 'utf8')) as { capabilities: Capabilities }).capabilities;
}

export function casesOf(name: string): string {
  return join(manifest.root, 'build', 'plugins', name, 'cases.json');
}

export const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);

/**
 * The header of a 64-bit Windows DLL and nothing else: enough for the runtime to see a
 * library built for another platform, which is all a test on Linux or macOS needs.
 */
export function windowsDllHeader(): Uint8Array {
  const bytes = new Uint8Array(0x100);
  const view = new DataView(bytes.buffer);
  bytes.set([0x4d, 0x5a]);
  view.setUint32(0x3c, 0x80, true);
  view.setUint32(0x80, 0x50450000, false);
  view.setUint16(0x84, 0x8664, true);
  view.setUint16(0x80 + 22, 0x2022, true);
  return bytes;
}

/**
 * Why the third-party twins (build/third-party/) were not all built, when they were not: their
 * upstream sources could not be fetched, or clang has no wasi-libc. Their tests skip with it.
 */
export function thirdPartySkip(): string | undefined {
  const reasons = manifest.skipped.filter((entry) => entry.toolchain === 'third-party');
  return reasons.length === 0 ? undefined : reasons.map((entry) => entry.reason).join('; ');
}
