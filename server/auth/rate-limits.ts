import { BurstyRateLimiter, RateLimiterMemory, type RateLimiterRes } from 'rate-limiter-flexible';

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

type Limiter = Pick<BurstyRateLimiter, 'consume'>;

/**
 * rate-limiter-flexible's in-memory limiters: `rps` points a second, and when those are spent
 * a second bucket of `burst` points that refills over `burst / rps` seconds (at least one), so
 * a client may exceed the steady rate by `burst` requests now and then. Per process: with
 * `--workers N` each worker counts its own share.
 */
function limiter({ rps, burst }: RateLimit, prefix: string): Limiter {
  const steady = new RateLimiterMemory({ keyPrefix: prefix, points: rps, duration: 1 });
  if (burst === 0) return steady;
  const refill = Math.max(1, Math.ceil(burst / rps));
  const extra = new RateLimiterMemory({
    keyPrefix: `${prefix}-burst`,
    points: burst,
    duration: refill,
  });
  return new BurstyRateLimiter(steady, extra);
}

/** Which limit refused a request, and in how many milliseconds to try again. */
export interface Refusal {
  readonly limit: 'key' | 'plugin';
  readonly retryAfterMs: number;
}

async function take(limit: Limiter, key: string): Promise<number | undefined> {
  try {
    await limit.consume(key);
    return undefined;
  } catch (rejected) {
    if (rejected instanceof Error) throw rejected;
    return (rejected as RateLimiterRes).msBeforeNext;
  }
}

/** The per-key and per-plugin limits of one process. */
export class RateLimits {
  readonly #config: LimitsConfig;
  readonly #plugin: Limiter | undefined;
  /** One limiter per distinct (rps, burst): the configured default and each key's own. */
  readonly #key = new Map<string, Limiter>();

  constructor(config: LimitsConfig) {
    this.#config = config;
    const { pluginRps: rps, pluginBurst: burst } = config;
    this.#plugin = rps > 0 ? limiter({ rps, burst }, 'plugin') : undefined;
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

  /** Spends one request of the key's and the plugin's budget; a refusal says which ran out. */
  async take(
    key: (KeyLimit & { id: string }) | undefined,
    plugin: string,
  ): Promise<Refusal | undefined> {
    const perKey = key === undefined ? undefined : this.#forKey(key);
    if (perKey !== undefined) {
      const wait = await take(perKey, key!.id);
      if (wait !== undefined) return { limit: 'key', retryAfterMs: wait };
    }
    if (this.#plugin !== undefined) {
      const wait = await take(this.#plugin, plugin);
      if (wait !== undefined) return { limit: 'plugin', retryAfterMs: wait };
    }
    return undefined;
  }
}
