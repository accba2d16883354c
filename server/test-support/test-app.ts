import { Writable } from 'node:stream';
import type { Hono } from 'hono';
import { createApp } from '../app.js';
import { auditServerActions } from '../auth/audit-feed.js';
import { openAccess, type ServerAccess } from '../auth/open-access.js';
import { loadConfig } from '../config/load-config.js';
import type { ServerConfig } from '../config/server-config.js';
import type { ServerEnv } from '../http/server-env.js';
import { createLogger } from '../observability/logger.js';
import { ServerMetrics } from '../observability/server-metrics.js';
import { PluginService } from '../service/plugin-service.js';

export const ADMIN_TOKEN = 'test-admin-token-0123456789';

/** Every log line the app wrote, parsed. */
export type LogLines = Record<string, unknown>[];

export interface TestApp {
  readonly app: Hono<ServerEnv>;
  readonly service: PluginService;
  readonly config: ServerConfig;
  readonly logs: LogLines;
  readonly access: ServerAccess;
  close(): Promise<void>;
}

/** An app over a plugins folder, logging into memory, as `createApp` builds it for a server. */
export async function testApp(
  plugins: string,
  env: Record<string, string> = {},
  options: { canaryTickMs?: number } = {},
): Promise<TestApp> {
  const config = loadConfig({
    env: { TWINPLUG_ADMIN_TOKEN: ADMIN_TOKEN, ...env },
    flags: { plugins },
    cwd: plugins,
  });
  const logs: LogLines = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split('\n')) if (line !== '') logs.push(JSON.parse(line));
      done();
    },
  });
  const log = createLogger(env.TWINPLUG_LOG_LEVEL ?? 'info', sink);
  const metrics = new ServerMetrics();
  const service = new PluginService({
    config,
    log,
    metrics,
    canaryTickMs: options.canaryTickMs ?? 50,
  });
  await service.ready;
  const access = await openAccess(config, log);
  const stopAudit = auditServerActions(service.feed, access.audit);
  const app = createApp({ service, metrics, log, config, access });
  const close = () => {
    stopAudit();
    return service.close();
  };
  return { app, service, config, logs, access, close };
}

export const admin = (init: RequestInit = {}): RequestInit => ({
  ...init,
  headers: { authorization: `Bearer ${ADMIN_TOKEN}`, ...(init.headers as Record<string, string>) },
});

/** Polls until `check` holds, at most `timeoutMs`. */
export async function eventually(
  check: () => boolean | Promise<boolean>,
  timeoutMs = 10_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
