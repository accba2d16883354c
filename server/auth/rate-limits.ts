import { RateLimiterMemory, type RateLimiterRes } from 'rate-limiter-flexible';

/** Requests per second and the burst above it; 0 requests per second: no limit. */
export interface RateLimit {
  readonly rps: number;
  readonly burst: number;
}

export interface LimitsConfig {
  readonly keyRps: number;
  readonly keyBurst: number;
  readonly pluginRps: number;
  readonly pluginBurst: number;
}

/** A key's own limit, when it has one. */
export interface KeyLimit {
  readonly rps?: number | undefined;
  readonly burst?: number | undefined;
}

type Limiter = Pick<RateLimiterMemory, 'consume'>;

/**
 * One rate-limiter-flexible in-memory limiter: `max(burst, rps)` requests per window of
 * `max(burst, rps) / rps` seconds (at least one). Without a burst that is `rps` a second; with
 * one, a client may spend the window's `burst` requests at once, and averages at most `rps`.
 * (BurstyRateLimiter, a second bucket behind the first, cost another promise per request: the
 * benchmark's 5% allows one.) Per process: with `--workers N` each worker counts its own share.
 */
function limiter({ rps, burst }: RateLimit, prefix: string): Limiter {
  const points = Math.max(burst, rps);
  const duration = Math.max(1, Math.round(points / rps));
  return new RateLimiterMemory({ keyPrefix: prefix, points, duration });
}

/** Which limit refused a request, and in how many milliseconds to try again. */
export interface Refusal {
  readonly limit: 'key' | 'plugin';
  readonly retryAfterMs: number;
}

const refusedAfter = (rejected: unknown): number => {
  if (rejected instanceof Error) throw rejected;
  return (rejected as RateLimiterRes).msBeforeNext;
};

/** The per-key and per-plugin limits of one process. */
export class RateLimits {
  readonly #config: LimitsConfig;
  readonly #plugin: Limiter | undefined;
  readonly #defaultKey: Limiter | undefined;
  /** One limiter per distinct (rps, burst): the configured default and each key's own. */
  readonly #key = new Map<string, Limiter>();

  constructor(config: LimitsConfig) {
    this.#config = config;
    const { pluginRps: rps, pluginBurst: burst } = config;
    this.#plugin = rps > 0 ? limiter({ rps, burst }, 'plugin') : undefined;
    this.#defaultKey = this.#forKey({});
  }

  /** True when no limit can ever refuse: the request path skips the check. */
  get off(): boolean {
    return this.#plugin === undefined && this.#config.keyRps === 0;
  }

  #forKey(own: KeyLimit): Limiter | undefined {
    const rps = own.rps ?? this.#config.keyRps;
    const burst = own.burst ?? (own.rps === undefined ? this.#config.keyBurst : 0);
    if (rps === 0) return undefined;
    const name = `${rps}/${burst}`;
    let found = this.#key.get(name);
    if (found === undefined) {
      found = limiter({ rps, burst }, `key-${name}`);
      this.#key.set(name, found);
    }
    return found;
  }

  /**
   * Spends one request of the key's and the plugin's budget; a refusal says which ran out.
   * Synchronous (undefined) when neither limit applies, so that the request path waits on
   * nothing it does not need.
   */
  take(
    key: (KeyLimit & { id: string }) | undefined,
    plugin: string,
  ): Refusal | undefined | Promise<Refusal | undefined> {
    const perKey =
      key === undefined
        ? undefined
        : key.rps === undefined && key.burst === undefined
          ? this.#defaultKey
          : this.#forKey(key);
    if (perKey === undefined && this.#plugin === undefined) return undefined;
    return this.#spend(perKey, key?.id, plugin);
  }

  async #spend(
    perKey: Limiter | undefined,
    id: string | undefined,
    plugin: string,
  ): Promise<Refusal | undefined> {
    try {
      if (perKey !== undefined) await perKey.consume(id!);
    } catch (rejected) {
      return { limit: 'key', retryAfterMs: refusedAfter(rejected) };
    }
    try {
      if (this.#plugin !== undefined) await this.#plugin.consume(plugin);
    } catch (rejected) {
      return { limit: 'plugin', retryAfterMs: refusedAfter(rejected) };
    }
    return undefined;
  }
}
