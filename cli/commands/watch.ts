import {
  type Backend,
  createRegistry,
  type FolderEvent,
  type RegistryEvent,
  type RegistryOptions,
  watchPluginFolder,
} from '../../runtime/index.js';
import { type Command, EXIT_OK, UsageError } from '../command.js';
import { eventJson, eventLine } from '../event-line.js';
import { parseCommandLine } from '../parse.js';
import { reportPluginError } from '../report-error.js';

export interface WatchOptions {
  readonly prefer: Backend | undefined;
  readonly registry: RegistryOptions;
  readonly json: boolean;
}

function milliseconds(text: string | undefined, flag: string): number | undefined {
  if (text === undefined) return undefined;
  if (text === 'Infinity') return Number.POSITIVE_INFINITY;
  const value = Number(text);
  if (!Number.isFinite(value) || value < 0) throw new UsageError(`${flag} takes milliseconds`);
  return value;
}

function parseWatchArgs(
  args: readonly string[],
  json: boolean,
): { dir: string; options: WatchOptions } {
  const { values, positionals } = parseCommandLine(args, {
    prefer: { type: 'string' },
    'drain-timeout': { type: 'string' },
    retention: { type: 'string' },
    'idle-unload': { type: 'string' },
  });
  if (positionals.length !== 1) throw new UsageError('give exactly one plugins folder');
  const { prefer } = values;
  if (prefer !== undefined && prefer !== 'native' && prefer !== 'wasm')
    throw new UsageError('--prefer takes native or wasm');
  const registry: RegistryOptions = {};
  const drain = milliseconds(values['drain-timeout'], '--drain-timeout');
  const retention = milliseconds(values.retention, '--retention');
  const idle = milliseconds(values['idle-unload'], '--idle-unload');
  if (drain !== undefined) registry.drainTimeoutMs = drain;
  if (retention !== undefined) registry.retentionMs = retention;
  if (idle !== undefined) registry.idleUnloadMs = idle;
  return { dir: positionals[0]!, options: { prefer, registry, json } };
}

/**
 * Watches `dir` until `signal` aborts, writing one line per event, then closes the folder and
 * the registry (the last events are the versions closing). Resolves with the exit code.
 */
export async function runWatch(
  dir: string,
  options: WatchOptions,
  signal: AbortSignal,
  write: (line: string) => void,
): Promise<number> {
  const registry = createRegistry(options.registry);
  const print = (event: RegistryEvent | FolderEvent, source: 'registry' | 'folder') =>
    write(options.json ? eventJson(event, source) : eventLine(event, source));
  registry.events.onAny((event) => print(event, 'registry'));
  try {
    const folder = watchPluginFolder(
      registry,
      dir,
      options.prefer ? { prefer: options.prefer } : {},
    );
    folder.events.onAny((event) => print(event, 'folder'));
    if (!signal.aborted)
      await new Promise((done) => signal.addEventListener('abort', done, { once: true }));
    await folder.close();
  } finally {
    await registry.close();
  }
  return EXIT_OK;
}

export const watchCommand: Command = {
  name: 'watch',
  usage:
    'twinplug watch <dir> [--prefer native|wasm] [--drain-timeout MS] [--retention MS] [--idle-unload MS] [--json]',
  summary:
    'Serves a plugins folder (<dir>/<name>/<name>.wasm|.dll|.so|.dylib, plugin.json, cases.json): loads it, hot-swaps what changes, prints each event as a line; Ctrl-C closes everything.',
  async run(args, context) {
    const { dir, options } = parseWatchArgs(args, context.json);
    const stop = new AbortController();
    const onSignal = () => {
      if (stop.signal.aborted) process.exit(130);
      stop.abort();
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    try {
      return await runWatch(dir, options, stop.signal, (line) => process.stdout.write(`${line}\n`));
    } catch (error) {
      return reportPluginError('watch', error);
    } finally {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    }
  },
};
