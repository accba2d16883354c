import { statSync } from 'node:fs';
import { PluginError } from '../errors.js';
import type { Backend } from '../plugin.js';
import { DEFAULT_PREFERENCE } from './folder-scan.js';

/** Options for {@link watchPluginFolder}. */
export interface PluginFolderOptions {
  /** Which twin serves when plugin.json does not say (default: native on Windows, wasm elsewhere). */
  prefer?: Backend;
  /** Quiet time after a file event before the folder is looked at: merges the events of one rename (default 5 ms). */
  debounceMs?: number;
  /** Files must keep their size and mtime this long to count as written (default 20 ms). */
  settleMs?: number;
  /** Longest wait for a folder to settle before it is read as it is (default 10 s). */
  maxSettleMs?: number;
  /** Poll instead of using native events: for network shares and some containers (default false). */
  usePolling?: boolean;
  /**
   * Serves only this backend's artifacts: a plugin folder without one is not loaded (default:
   * both, the preferred first). A server's twin side loads only the twin its main side does not.
   */
  only?: Backend;
  /**
   * Runs each change the folder makes to a plugin (registering what it holds, unloading it)
   * through the caller's own per-plugin queue, so that an owner of the plugin's state (a
   * server's rollout) never has the folder act between two of its steps. Default: at once.
   */
  serialize?: (name: string, sync: () => Promise<void>) => Promise<void>;
}

export interface ResolvedFolderOptions {
  readonly prefer: Backend;
  readonly debounceMs: number;
  readonly settleMs: number;
  readonly maxSettleMs: number;
  readonly usePolling: boolean;
  readonly only: Backend | undefined;
  readonly serialize: (name: string, sync: () => Promise<void>) => Promise<void>;
}

function invalid(message: string): PluginError {
  return new PluginError('PLUGIN_INVALID_OPTIONS', message);
}

function milliseconds(value: number | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw invalid(`"${name}" must be a finite, non-negative number of milliseconds`);
  }
  return value;
}

/** Checks the folder and the options, once, before anything is watched. */
export function resolveFolderOptions(
  dir: string,
  options: PluginFolderOptions,
): ResolvedFolderOptions {
  let isDirectory = false;
  try {
    isDirectory = statSync(dir).isDirectory();
  } catch {
    // reported below
  }
  if (!isDirectory) throw invalid(`plugins folder ${dir} is not a directory`);
  const prefer = options.prefer ?? DEFAULT_PREFERENCE;
  if (prefer !== 'native' && prefer !== 'wasm') throw invalid('"prefer" must be native or wasm');
  const { only } = options;
  if (only !== undefined && only !== 'native' && only !== 'wasm')
    throw invalid('"only" must be native or wasm');
  return {
    prefer,
    debounceMs: milliseconds(options.debounceMs, 'debounceMs', 5),
    settleMs: milliseconds(options.settleMs, 'settleMs', 20),
    maxSettleMs: milliseconds(options.maxSettleMs, 'maxSettleMs', 10_000),
    usePolling: options.usePolling === true,
    only,
    serialize: options.serialize ?? ((_name, sync) => sync()),
  };
}
