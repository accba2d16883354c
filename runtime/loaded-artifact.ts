import { createHash, webcrypto } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { type ArtifactHeader, platformMismatch, readArtifactHeader } from './artifact-format.js';
import { PluginError } from './errors.js';
import { checkNativeLayout } from './native-layout.js';
import type { ResolvedLoadOptions } from './options.js';
import type { ArtifactIdentity } from './plugin.js';

/** An artifact read, hashed and header-checked, ready for a backend. */
export interface LoadedArtifact {
  readonly bytes: Uint8Array;
  readonly header: ArtifactHeader;
  readonly identity: ArtifactIdentity;
  /** The file name to load a native copy under, and to name a plugin without PluginInfo. */
  readonly fileName: string;
}

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/**
 * From this size on, hashing (about 0.5 ms per MiB here) runs on the libuv thread pool
 * (WebCrypto's digest, which copies the bytes first), not on the calling thread; below it, the
 * pool's round trip costs more than the hash.
 */
const POOLED_HASH_BYTES = 64 * 1024;

/** {@link sha256Hex} of a whole artifact, large ones hashed off the calling thread. */
export async function artifactSha256(bytes: Uint8Array): Promise<string> {
  // WebCrypto takes no view of a SharedArrayBuffer.
  if (bytes.length < POOLED_HASH_BYTES || !(bytes.buffer instanceof ArrayBuffer))
    return sha256Hex(bytes);
  return Buffer.from(await webcrypto.subtle.digest('SHA-256', bytes)).toString('hex');
}

async function readSource(
  source: ResolvedLoadOptions['source'],
): Promise<{ bytes: Uint8Array; path: string | undefined; fileName: string }> {
  if ('bytes' in source) return { bytes: source.bytes, path: undefined, fileName: source.fileName };
  try {
    const bytes = await readFile(source.path);
    return {
      bytes: new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength),
      path: source.path,
      fileName: basename(source.path),
    };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new PluginError(
      'PLUGIN_LOAD_FAILED',
      `cannot read ${source.path}: ${code ?? String(error)}`,
      {
        cause: error,
        details: { path: source.path, errno: code },
      },
    );
  }
}

/**
 * The folder a Windows DLL's own dependencies are taken from (docs/windows.md): the
 * `dependencyDir` option, else the folder of the file read; undefined for other formats and for
 * bytes given without a folder.
 */
export function dependencyDirOf(
  artifact: LoadedArtifact,
  options: ResolvedLoadOptions,
): string | undefined {
  if (artifact.header.format !== 'pe') return undefined;
  const { path } = artifact.identity;
  return options.dependencyDir ?? (path === undefined ? undefined : dirname(path));
}

/**
 * Reads the artifact once, checks its hash and header, and refuses a native library built for
 * another platform, all before any backend touches it.
 */
export async function loadArtifact(options: ResolvedLoadOptions): Promise<LoadedArtifact> {
  const { bytes, path, fileName } = await readSource(options.source);
  const sha256 = await artifactSha256(bytes);
  if (options.sha256 !== undefined && options.sha256 !== sha256) {
    throw new PluginError(
      'PLUGIN_HASH_MISMATCH',
      `artifact sha256 is ${sha256}, expected ${options.sha256}`,
      {
        details: { expected: options.sha256, actual: sha256, path },
      },
    );
  }
  const header = readArtifactHeader(bytes);
  checkNativeLayout(bytes, header);
  if (options.backend !== 'auto' && options.backend !== header.backend) {
    throw new PluginError(
      'PLUGIN_FORMAT_INVALID',
      `backend "${options.backend}" was asked for, but the artifact is ${header.format}`,
      {
        details: { path, format: header.format },
      },
    );
  }
  const mismatch = platformMismatch(header);
  if (mismatch !== undefined) {
    throw new PluginError('PLUGIN_PLATFORM_MISMATCH', mismatch, {
      details: {
        path,
        format: header.format,
        arch: header.arch,
        hostPlatform: process.platform,
        hostArch: process.arch,
      },
    });
  }
  return {
    bytes,
    header,
    fileName,
    identity: { path, format: header.format, sha256, size: bytes.length },
  };
}
