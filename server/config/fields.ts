import { DEFAULT_PREFERENCE } from '../../runtime/index.js';

/** A value as read: JSON from the file, text from the environment or a flag. */
type Parse<T> = (value: unknown) => T;

function fromText(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const trimmed = value.trim();
  if (trimmed === 'true' || trimmed === 'false') return trimmed === 'true';
  return /^-?\d+(\.\d+)?$/.test(trimmed) ? Number(trimmed) : value;
}

const integer =
  (min: number, max: number): Parse<number> =>
  (raw) => {
    const value = fromText(raw);
    if (!Number.isInteger(value) || (value as number) < min || (value as number) > max)
      throw new Error(`must be an integer from ${min} to ${max}`);
    return value as number;
  };

const ratio: Parse<number> = (raw) => {
  const value = fromText(raw);
  if (typeof value !== 'number' || !(value > 0 && value <= 1))
    throw new Error('must be a number above 0 and at most 1');
  return value;
};

const flag: Parse<boolean> = (raw) => {
  const value = fromText(raw);
  if (typeof value !== 'boolean') throw new Error('must be true or false');
  return value;
};

const oneOf =
  <T extends string>(...choices: T[]): Parse<T> =>
  (value) => {
    if (typeof value !== 'string' || !choices.includes(value as T))
      throw new Error(`must be one of ${choices.join(', ')}`);
    return value as T;
  };

const text: Parse<string> = (value) => {
  if (typeof value !== 'string' || value.length === 0 || value.length > 4096)
    throw new Error('must be a non-empty string');
  return value;
};

const host: Parse<string> = (value) => {
  if (typeof value !== 'string' || !/^[A-Za-z0-9.:[\]-]{1,255}$/.test(value))
    throw new Error('must be a host name or an IP address');
  return value;
};

/** `nats://host:port[,host2:port,...]`: each server's scheme is nats or tls, each port given or 4222. */
const storeUrls: Parse<string> = (value) => {
  if (typeof value !== 'string' || value.length > 4096)
    throw new Error('must be a nats:// URL list');
  const servers = value.split(',').map((part) => part.trim());
  for (const [index, server] of servers.entries()) {
    const withScheme = index > 0 && !server.includes('://') ? `nats://${server}` : server;
    let url: URL;
    try {
      url = new URL(withScheme);
    } catch {
      throw new Error(`"${server}" is not a URL: must be nats://host:port[,host:port...]`);
    }
    if ((url.protocol !== 'nats:' && url.protocol !== 'tls:') || url.hostname === '')
      throw new Error(`"${server}" must be nats://host:port (or tls://)`);
  }
  return value;
};

const DAY_MS = 86_400_000;
const UNITS: Readonly<Record<string, number>> = {
  '': 1,
  b: 1,
  kb: 1e3,
  mb: 1e6,
  gb: 1e9,
  kib: 1024,
  mib: 1024 ** 2,
  gib: 1024 ** 3,
};

/** Bytes: a number, or a number and a unit (`512MiB`, `2GB`); 0 turns the budget off. */
const size: Parse<number> = (raw) => {
  const match = /^(\d{1,12})\s*([KMG]i?B|B)?$/i.exec(String(raw).trim());
  const bytes =
    match === null ? Number.NaN : Number(match[1]) * UNITS[(match[2] ?? '').toLowerCase()]!;
  if (!Number.isSafeInteger(bytes))
    throw new Error('must be a size such as 512MiB, 2GB or 1048576');
  return bytes;
};

/**
 * Every setting: where it sits in twinplug.config.json (dotted path), its environment variable,
 * its command-line flag if it has one, how it is checked, and its default.
 */
export const FIELDS = {
  port: { env: 'TWINPLUG_PORT', flag: 'port', parse: integer(0, 65535), default: 8080 },
  host: { env: 'TWINPLUG_HOST', flag: 'host', parse: host, default: '127.0.0.1' },
  plugins: { env: 'TWINPLUG_PLUGINS', flag: 'plugins', parse: text, default: 'build/plugins' },
  /** '' : the plugins folder is the control store; else the NATS JetStream cluster (docs/fleet.md). */
  store: { env: 'TWINPLUG_STORE', flag: 'store', parse: storeUrls, default: '' },
  workers: { env: 'TWINPLUG_WORKERS', flag: 'workers', parse: integer(1, 64), default: 1 },
  logLevel: {
    env: 'TWINPLUG_LOG_LEVEL',
    flag: 'log-level',
    parse: oneOf('fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'),
    default: 'info',
  },
  maxBodyBytes: {
    env: 'TWINPLUG_MAX_BODY_BYTES',
    parse: integer(1, 1024 ** 3),
    default: 16 * 1024 * 1024,
  },
  prefer: {
    env: 'TWINPLUG_PREFER',
    parse: oneOf('wasm', 'native'),
    default: DEFAULT_PREFERENCE,
  },
  allowNativeUploads: { env: 'TWINPLUG_ALLOW_NATIVE_UPLOADS', parse: flag, default: false },
  twins: { env: 'TWINPLUG_TWINS', parse: flag, default: true },
  drainTimeoutMs: { env: 'TWINPLUG_DRAIN_TIMEOUT_MS', parse: integer(0, DAY_MS), default: 30_000 },
  shutdownTimeoutMs: {
    env: 'TWINPLUG_SHUTDOWN_TIMEOUT_MS',
    parse: integer(0, DAY_MS),
    default: 10_000,
  },
  uploadTimeoutMs: {
    env: 'TWINPLUG_UPLOAD_TIMEOUT_MS',
    parse: integer(1, DAY_MS),
    default: 30_000,
  },
  memoryBudget: {
    env: 'TWINPLUG_MEMORY_BUDGET',
    flag: 'memory-budget',
    parse: size,
    default: 0,
  },
  /** What GET / and /v1/dashboard show without admin credentials: see docs/server.md. */
  dashboard: {
    env: 'TWINPLUG_DASHBOARD',
    parse: oneOf('off', 'redacted', 'admin'),
    default: 'redacted',
  },
  'auth.required': { env: 'TWINPLUG_AUTH_REQUIRED', parse: flag, default: false },
  /** '' : `<plugins>.keys.json`, beside the plugins folder. */
  'auth.keysFile': { env: 'TWINPLUG_KEYS_FILE', parse: text, default: '' },
  /** '' : `<plugins>.audit.jsonl`, beside the plugins folder. */
  'audit.file': { env: 'TWINPLUG_AUDIT_FILE', parse: text, default: '' },
  'limits.keyRps': { env: 'TWINPLUG_LIMIT_KEY_RPS', parse: integer(0, 1e6), default: 0 },
  'limits.keyBurst': { env: 'TWINPLUG_LIMIT_KEY_BURST', parse: integer(0, 1e6), default: 0 },
  'limits.pluginRps': { env: 'TWINPLUG_LIMIT_PLUGIN_RPS', parse: integer(0, 1e6), default: 0 },
  'limits.pluginBurst': {
    env: 'TWINPLUG_LIMIT_PLUGIN_BURST',
    parse: integer(0, 1e6),
    default: 0,
  },
  'canary.errorRate': { env: 'TWINPLUG_CANARY_ERROR_RATE', parse: ratio, default: 0.05 },
  'canary.minCalls': { env: 'TWINPLUG_CANARY_MIN_CALLS', parse: integer(1, 1e9), default: 20 },
  'canary.windowMs': {
    env: 'TWINPLUG_CANARY_WINDOW_MS',
    parse: integer(100, DAY_MS),
    default: 60_000,
  },
  'canary.stepWeight': { env: 'TWINPLUG_CANARY_STEP_WEIGHT', parse: integer(0, 100), default: 0 },
  'canary.stepIntervalMs': {
    env: 'TWINPLUG_CANARY_STEP_INTERVAL_MS',
    parse: integer(100, DAY_MS),
    default: 60_000,
  },
  /** Fleet mode: the collection of objects no key names (docs/fleet.md); 0 turns it off. */
  'gc.intervalMs': { env: 'TWINPLUG_GC_INTERVAL_MS', parse: integer(0, DAY_MS), default: 600_000 },
  /** At least a minute: longer than an upload's key write takes, its retries included. */
  'gc.graceMs': {
    env: 'TWINPLUG_GC_GRACE_MS',
    parse: integer(60_000, 30 * DAY_MS),
    default: 600_000,
  },
  'gc.keep': { env: 'TWINPLUG_GC_KEEP', parse: integer(0, 100), default: 2 },
} as const;

export type FieldName = keyof typeof FIELDS;
