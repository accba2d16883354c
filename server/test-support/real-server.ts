import { loadConfig } from '../config/load-config.js';
import type { RunningServer, StartOptions } from '../lifecycle/start-server.js';
import { startServer } from '../lifecycle/start-server.js';
import { createLogger } from '../observability/logger.js';
import { ADMIN_TOKEN } from './test-app.js';

/** A server on a free port of 127.0.0.1, quiet, over `plugins`. */
export async function realServer(
  plugins: string,
  env: Record<string, string> = {},
  options: Omit<StartOptions, 'log'> = {},
): Promise<RunningServer & { url: string }> {
  const config = loadConfig({
    env: { TWINPLUG_ADMIN_TOKEN: ADMIN_TOKEN, TWINPLUG_LOG_LEVEL: 'silent', ...env },
    flags: { plugins, port: '0', host: '127.0.0.1' },
    cwd: plugins,
  });
  const running = await startServer(config, { ...options, log: createLogger('silent') });
  return { ...running, url: `http://127.0.0.1:${running.port}` };
}
