import { createHash, timingSafeEqual } from 'node:crypto';
import { ADMIN_TOKEN_PRINCIPAL, type Principal } from './principal.js';

function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

/** Something else that knows secrets: the API key store. */
export interface SecretVerifier {
  verify(secret: string): Principal | undefined | Promise<Principal | undefined>;
  /** True while at least one key is live. */
  readonly hasKeys: boolean;
}

/**
 * Says who a secret belongs to: TWINPLUG_ADMIN_TOKEN (compared as sha256 digests with
 * timingSafeEqual, so neither content nor length leaks) or an API key.
 */
export class Authenticator {
  readonly #adminDigest: Buffer | undefined;
  readonly #keys: SecretVerifier | undefined;

  constructor(adminToken: string | undefined, keys?: SecretVerifier) {
    this.#adminDigest = adminToken === undefined ? undefined : digest(adminToken);
    this.#keys = keys;
  }

  /** False while there is neither an admin token nor a live key: the admin API is off. */
  get enabled(): boolean {
    return this.#adminDigest !== undefined || this.#keys?.hasKeys === true;
  }

  /** Synchronous for a key seen before (the request path), a promise when scrypt must run. */
  identify(secret: string): Principal | undefined | Promise<Principal | undefined> {
    // Key secrets say they are (`tpk_<id>_`): the admin token's digest is not computed for them.
    const known = this.#keys?.verify(secret);
    if (known !== undefined) return known;
    if (this.#adminDigest !== undefined && timingSafeEqual(digest(secret), this.#adminDigest))
      return ADMIN_TOKEN_PRINCIPAL;
    return undefined;
  }
}
