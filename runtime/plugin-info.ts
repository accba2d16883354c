import { PluginError } from './errors.js';
import type { PluginInfo } from './plugin.js';

/** The ABI version this runtime speaks. */
export const ABI_VERSION = 1;

/** PluginInfo text is read up to this many bytes looking for its NUL terminator. */
export const MAX_PLUGIN_INFO_BYTES = 64 * 1024;

// semver.org's recommended expression.
const SEMVER =
  /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$/;

/** Plugin names: 1-128 of `A-Z a-z 0-9 . _ -`, not starting with `.`, `_` or `-`, no `..`. */
export const PLUGIN_NAME_PATTERN = /^(?!.*\.\.)[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

export function isSemver(version: string): boolean {
  return SEMVER.test(version);
}

export function isValidPluginName(name: string): boolean {
  return PLUGIN_NAME_PATTERN.test(name);
}

function infoInvalid(message: string, text: string): PluginError {
  return new PluginError('PLUGIN_INFO_INVALID', message, {
    details: { pluginInfo: text.slice(0, 512) },
  });
}

/**
 * Parses and checks PluginInfo JSON. An `abi` other than 1 is PLUGIN_ABI_MISMATCH; anything
 * else off-shape is PLUGIN_INFO_INVALID.
 */
export function parsePluginInfo(text: string): PluginInfo {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw infoInvalid('PluginInfo is not JSON', text);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw infoInvalid('PluginInfo is not a JSON object', text);
  }
  const { name, version, abi, description } = value as Record<string, unknown>;
  if (abi !== ABI_VERSION) {
    throw new PluginError(
      'PLUGIN_ABI_MISMATCH',
      `plugin speaks ABI ${JSON.stringify(abi)}, this runtime speaks ABI ${ABI_VERSION}`,
      {
        details: { abi },
      },
    );
  }
  if (typeof name !== 'string' || !isValidPluginName(name)) {
    throw infoInvalid('PluginInfo "name" must be 1-128 characters of A-Z a-z 0-9 . _ -', text);
  }
  if (typeof version !== 'string' || !isSemver(version)) {
    throw infoInvalid('PluginInfo "version" must be a semantic version such as 1.2.0', text);
  }
  if (description !== undefined && typeof description !== 'string') {
    throw infoInvalid('PluginInfo "description" must be a string', text);
  }
  return { name, version, abi: ABI_VERSION, description: description ?? '' };
}

/** Decodes NUL-terminated UTF-8 found at the start of `bytes`; throws if there is no NUL. */
export function decodeNulTerminated(bytes: Uint8Array): string {
  const end = bytes.indexOf(0);
  if (end < 0)
    throw new PluginError(
      'PLUGIN_INFO_INVALID',
      `PluginInfo is not NUL-terminated within ${bytes.length} bytes`,
    );
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(0, end));
  } catch (error) {
    throw new PluginError('PLUGIN_INFO_INVALID', 'PluginInfo is not valid UTF-8', { cause: error });
  }
}

/** The info of a plugin without a PluginInfo export: named after its file, version 0.0.0. */
export function defaultPluginInfo(fileName: string): PluginInfo {
  const stem = fileName.replace(/\.[^.]*$/, '').replace(/[^A-Za-z0-9._-]/g, '_') || 'plugin';
  const name = isValidPluginName(stem) ? stem : `plugin_${stem}`.slice(0, 128);
  return { name, version: '0.0.0', abi: ABI_VERSION, description: '' };
}
