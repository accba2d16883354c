import type { Backend } from '../../runtime/index.js';
import type { LimitsConfig } from '../auth/rate-limits.js';
import type { CollectionSettings } from '../fleet/collection-rule.js';

/** Canary analysis and progressive delivery: see docs/server.md. */
export interface CanaryConfig {
  /** Fraction of faulted calls over the window above which a canary is rolled back. */
  readonly errorRate: number;
  /** Calls the window must hold before the rate is judged. */
  readonly minCalls: number;
  /** The sliding window, and without steps also how long a new version is watched. */
  readonly windowMs: number;
  /** 0: a new version takes all traffic at once (still watched); else its first weight and each step. */
  readonly stepWeight: number;
  readonly stepIntervalMs: number;
}

/** Who may call what: see docs/server.md. */
export interface AuthConfig {
  /** The data API needs an API key too (the admin API always does). */
  readonly required: boolean;
  /** The API keys (salted scrypt hashes): default `<plugins>.keys.json`. */
  readonly keysFile: string;
}

/** Everything `twinplug serve` runs with, every default filled. */
export interface ServerConfig {
  readonly port: number;
  readonly host: string;
  /** The watched plugins folder: `<plugins>/<name>/<name>.wasm|.so|.dll|.dylib`. */
  readonly plugins: string;
  /** '' : the plugins folder is the control store; else `nats://h1:4222,h2:4222` (docs/fleet.md). */
  readonly store: string;
  readonly workers: number;
  readonly logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  readonly maxBodyBytes: number;
  readonly prefer: Backend;
  readonly allowNativeUploads: boolean;
  /** Also load the other backend's build of each plugin, for X-Plugin-Backend (parity mode). */
  readonly twins: boolean;
  readonly drainTimeoutMs: number;
  readonly shutdownTimeoutMs: number;
  readonly uploadTimeoutMs: number;
  readonly canary: CanaryConfig;
  /** Bytes the plugins may hold together; past it, LRU idle plugins are unloaded. 0: no budget. */
  readonly memoryBudget: number;
  readonly auth: AuthConfig;
  /** The append-only JSON-lines audit file: default `<plugins>.audit.jsonl`. */
  readonly audit: { readonly file: string };
  /** Requests per second and burst, per API key and per plugin; 0: no limit. */
  readonly limits: LimitsConfig;
  /**
   * The dashboard without admin credentials: `redacted` (names, versions, health; no traffic
   * rules, shortened hashes), `admin` (admin credentials required) or `off` (no dashboard).
   */
  readonly dashboard: 'off' | 'redacted' | 'admin';
  /** Fleet mode: the collection of objects no key names (docs/fleet.md). */
  readonly gc: CollectionSettings;
  /** From TWINPLUG_ADMIN_TOKEN only (never from a file); undefined turns the admin API off. */
  readonly adminToken: string | undefined;
}
