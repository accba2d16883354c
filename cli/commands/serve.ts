import {
  ConfigError,
  isClusterWorker,
  loadConfig,
  runPrimary,
  type ServerConfig,
  startServer,
  workerConfig,
} from '../../server/index.js';
import { type Command, EXIT_FAILURE, EXIT_OK, EXIT_USAGE, UsageError } from '../command.js';
import { parseCommandLine } from '../parse.js';
import { reportPluginError, writeError } from '../report-error.js';

/** How long a closed server may take to exit by itself before it is made to. */
const LEAKED_HANDLE_GRACE_MS = 2000;

async function serveHere(config: ServerConfig): Promise<number> {
  let running: Awaited<ReturnType<typeof startServer>>;
  try {
    running = await startServer(config);
  } catch (error) {
    const errno = (error as NodeJS.ErrnoException).code;
    if (errno === 'EADDRINUSE' || errno === 'EACCES' || errno === 'EADDRNOTAVAIL') {
      writeError('serve', {
        code: errno,
        message: `cannot listen on ${config.host}:${config.port}`,
      });
      return EXIT_FAILURE;
    }
    return reportPluginError('serve', error);
  }
  await new Promise<void>((resolve) => {
    const stop = () => void running.close().then(resolve);
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
  });
  // A cluster worker's channel to the primary would keep it alive.
  if (isClusterWorker()) process.disconnect?.();
  // Everything is closed, but a library may have leaked a handle (chokidar can orphan an fs.watch
  // when closed during a scan, paulmillr/chokidar#1482): a stopped server still exits. The timer
  // itself does not hold the process, so a clean close exits at once.
  setTimeout(() => process.exit(EXIT_OK), LEAKED_HANDLE_GRACE_MS).unref();
  return EXIT_OK;
}

export const serveCommand: Command = {
  name: 'serve',
  usage:
    'twinplug serve [--port N] [--host H] [--plugins DIR] [--store nats://H:P[,H:P]] [--config FILE] [--workers N] [--log-level L] [--memory-budget SIZE]',
  summary:
    'Serves the plugins folder over HTTP: data API, admin API, /metrics, dashboard (docs/server.md).',
  async run(args) {
    if (isClusterWorker()) return serveHere(workerConfig());
    const { values, positionals } = parseCommandLine(args, {
      port: { type: 'string' },
      host: { type: 'string' },
      plugins: { type: 'string' },
      store: { type: 'string' },
      config: { type: 'string' },
      workers: { type: 'string' },
      'log-level': { type: 'string' },
      'memory-budget': { type: 'string' },
    });
    if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"`);
    let config: ServerConfig;
    try {
      config = loadConfig({ file: values.config, env: process.env, flags: values });
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      writeError('serve', { code: error.code, message: error.message });
      return EXIT_USAGE;
    }
    return config.workers > 1 ? runPrimary(config) : serveHere(config);
  },
};
