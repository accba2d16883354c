import { PluginError } from './errors.js';
import type { PluginConfig } from './options.js';

export function invalidOptions(message: string): PluginError {
  return new PluginError('PLUGIN_INVALID_OPTIONS', message);
}

export function positiveInteger(
  value: number | undefined,
  name: string,
  fallback: number,
  max: number,
): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 1 || value > max) {
    throw invalidOptions(`"${name}" must be an integer from 1 to ${max}, got ${String(value)}`);
  }
  return value;
}

/** Config as the bytes Initialize sees: bytes as they are, a string as UTF-8, a value as JSON. */
export function encodeConfig(config: PluginConfig | undefined): Uint8Array {
  if (config === undefined) return new Uint8Array(0);
  if (config instanceof Uint8Array) return config;
  if (typeof config === 'string') return new TextEncoder().encode(config);
  return new TextEncoder().encode(JSON.stringify(config));
}
