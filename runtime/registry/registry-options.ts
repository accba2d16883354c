import { PluginError } from '../errors.js';
import { readFileVersion as readDllFileVersion } from '../file-version.js';
import { loadPlugin as runtimeLoadPlugin } from '../load-plugin.js';
import type { LoadPluginOptions } from '../options.js';
import type { Plugin } from '../plugin.js';
import { DEFAULT_LOW_WATER } from './memory-budget.js';

/** How a registry turns load options into a {@link Plugin}: the runtime's loadPlugin, or an isolating one. */
export type PluginLoader = (options: LoadPluginOptions) => Promise<Plugin>;

/** Options for {@link createRegistry}. */
export interface RegistryOptions {
  /** Loads each version (default: the runtime's in-process loadPlugin). */
  loadPlugin?: PluginLoader;
  /** How long a replaced version's calls may run before they are abandoned (default 30 s; Infinity waits for ever). */
  drainTimeoutMs?: number;
  /** How long a replaced version stays loaded for an instant rollback (default 300 s; 0 closes it once drained). */
  retentionMs?: number;
  /** Unloads an active version after this long without calls; the next call loads it again (default Infinity: never). */
  idleUnloadMs?: number;
  /** Reads a DLL's VERSIONINFO FileVersion (default: version.dll on Windows, nothing elsewhere). */
  readFileVersion?: (path: string) => Promise<string | undefined>;
  /**
   * Bytes the loaded plugins may hold together (default Infinity: no budget). Past it, the
   * least recently used idle plugins not `keepLoaded` are unloaded down to `memoryLowWater`.
   */
  memoryBudget?: number;
  /** Where unloading stops, as a share of memoryBudget (default 0.8). */
  memoryLowWater?: number;
}

export interface ResolvedRegistryOptions {
  readonly loadPlugin: PluginLoader;
  readonly drainTimeoutMs: number;
  readonly retentionMs: number;
  readonly idleUnloadMs: number;
  readonly readFileVersion: (path: string) => Promise<string | undefined>;
  readonly memoryBudget: number;
  readonly memoryLowWater: number;
}

export const DEFAULT_DRAIN_TIMEOUT_MS = 30_000;
export const DEFAULT_RETENTION_MS = 300_000;

function duration(
  value: number | undefined,
  name: string,
  fallback: number,
  zero: boolean,
): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || Number.isNaN(value) || value < 0 || (!zero && value === 0)) {
    throw new PluginError(
      'PLUGIN_INVALID_OPTIONS',
      `"${name}" must be a ${zero ? 'non-negative' : 'positive'} number of milliseconds or Infinity, got ${String(value)}`,
    );
  }
  return value;
}

function budget(value: number | undefined): number {
  if (value === undefined) return Number.POSITIVE_INFINITY;
  if (typeof value !== 'number' || !(value > 0))
    throw new PluginError(
      'PLUGIN_INVALID_OPTIONS',
      `"memoryBudget" must be a positive number of bytes or Infinity, got ${String(value)}`,
    );
  return value;
}

function lowWater(value: number | undefined): number {
  if (value === undefined) return DEFAULT_LOW_WATER;
  if (typeof value !== 'number' || !(value > 0 && value <= 1))
    throw new PluginError(
      'PLUGIN_INVALID_OPTIONS',
      `"memoryLowWater" must be a share of the budget above 0 and at most 1, got ${String(value)}`,
    );
  return value;
}

/** Fills the registry's defaults and rejects impossible values, once. */
export function resolveRegistryOptions(options: RegistryOptions = {}): ResolvedRegistryOptions {
  const loader = options.loadPlugin ?? runtimeLoadPlugin;
  if (typeof loader !== 'function')
    throw new PluginError('PLUGIN_INVALID_OPTIONS', '"loadPlugin" must be a function');
  return {
    loadPlugin: loader,
    drainTimeoutMs: duration(
      options.drainTimeoutMs,
      'drainTimeoutMs',
      DEFAULT_DRAIN_TIMEOUT_MS,
      true,
    ),
    retentionMs: duration(options.retentionMs, 'retentionMs', DEFAULT_RETENTION_MS, true),
    idleUnloadMs: duration(options.idleUnloadMs, 'idleUnloadMs', Number.POSITIVE_INFINITY, false),
    readFileVersion: options.readFileVersion ?? readDllFileVersion,
    memoryBudget: budget(options.memoryBudget),
    memoryLowWater: lowWater(options.memoryLowWater),
  };
}
