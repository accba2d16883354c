import cluster from 'node:cluster';
import type { ServerConfig } from '../config/server-config.js';
import type { Logger } from '../observability/logger.js';
import { AuditLog } from './audit-log.js';
import { Authenticator } from './authenticator.js';
import type { Access } from './guard.js';
import { RelayKeyWriter } from './key-relay.js';
import { KeyStore } from './key-store.js';
import { FileKeyWriter, type KeyWriter } from './key-writer.js';
import { RateLimits } from './rate-limits.js';

/** Everything the HTTP layer needs for access control, for one process. */
export interface ServerAccess extends Access {
  readonly keys: KeyStore;
  readonly writer: KeyWriter;
  readonly audit: AuditLog;
}

export type AccessConfig = Pick<ServerConfig, 'adminToken' | 'auth' | 'audit' | 'limits'>;

/**
 * Reads the keys file and sets up this process's access control. A cluster worker changes
 * keys through the primary (see key-relay.ts); a lone server writes the file itself.
 */
export async function openAccess(config: AccessConfig, log: Logger): Promise<ServerAccess> {
  const keys = new KeyStore(config.auth.keysFile);
  await keys.reload();
  const writer =
    cluster.isWorker && process.send !== undefined
      ? new RelayKeyWriter(keys)
      : new FileKeyWriter(config.auth.keysFile, () => keys.reload());
  return {
    auth: new Authenticator(config.adminToken, keys),
    required: config.auth.required,
    limits: new RateLimits(config.limits),
    keys,
    writer,
    audit: new AuditLog(config.audit.file, log),
  };
}
