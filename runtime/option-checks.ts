import { PluginError } from './errors.js';

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
