/**
 * twinplug's HTTP server: hot-swapping plugins behind a versioned, canaried data API.
 *
 * @example
 * import { loadConfig, startServer } from './server/index.js';
 * const running = await startServer(loadConfig({ env: process.env }));
 * process.once('SIGTERM', () => void running.close());
 */
export { type AppOptions, createApp } from './app.js';
export { openAccess, type ServerAccess } from './auth/open-access.js';
export { ConfigError } from './config/config-error.js';
export { type ConfigSources, DEFAULT_CONFIG_FILE, loadConfig } from './config/load-config.js';
export type { CanaryConfig, ServerConfig } from './config/server-config.js';
export { isClusterWorker, runPrimary, workerConfig } from './lifecycle/cluster.js';
export { type RunningServer, type StartOptions, startServer } from './lifecycle/start-server.js';
export { createLogger } from './observability/logger.js';
export { ServerMetrics } from './observability/server-metrics.js';
export { PluginService, type PluginServiceOptions } from './service/plugin-service.js';
