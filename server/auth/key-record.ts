import { randomBytes, scrypt as scryptCallback, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';
import { ROLES, type Role, type Scope } from './principal.js';

const scrypt = promisify(scryptCallback) as (
  secret: string,
  salt: Buffer,
  length: number,
  options: { N: number; r: number; p: number; maxmem: number },
) => Promise<Buffer>;

/** scrypt cost: Node's defaults (N=2^14, r=8, p=1): about 16 MiB and tens of ms per hash. */
export const SCRYPT = { N: 16_384, r: 8, p: 1, maxmem: 64 * 1024 * 1024 } as const;
const HASH_BYTES = 32;

/** One API key as the keys file holds it: never the secret, only its salted scrypt hash. */
export interface KeyRecord {
  readonly id: string;
  readonly role: Role;
  readonly scope: Scope;
  readonly label?: string | undefined;
  /** Per-key rate limit overriding `limits.keyRps` / `limits.keyBurst`. */
  readonly rps?: number | undefined;
  readonly burst?: number | undefined;
  readonly created: number;
  readonly revoked?: number | undefined;
  /** base64 salt and scrypt hash of the whole secret. */
  readonly salt: string;
  readonly hash: string;
}

/** A key as the admin API lists it: the record without salt and hash. */
export type KeyView = Omit<KeyRecord, 'salt' | 'hash'>;

export function keyView(record: KeyRecord): KeyView {
  const { salt: _salt, hash: _hash, ...view } = record;
  return view;
}

/** Key ids: `k` and 12 hex digits. Secrets: `tpk_<id>_<43 base64url characters, 256 bits>`. */
export const KEY_ID = /^k[0-9a-f]{12}$/;
const SECRET = /^tpk_(k[0-9a-f]{12})_[A-Za-z0-9_-]{43}$/;

export function newKeyId(): string {
  return `k${randomBytes(6).toString('hex')}`;
}

export function newSecret(id: string): string {
  return `tpk_${id}_${randomBytes(32).toString('base64url')}`;
}

/** The key id a secret names, or undefined when it is not shaped like a key secret. */
export function secretKeyId(secret: string): string | undefined {
  return SECRET.exec(secret)?.[1];
}

export async function hashSecret(secret: string): Promise<{ salt: string; hash: string }> {
  const salt = randomBytes(16);
  const hash = await scrypt(secret, salt, HASH_BYTES, SCRYPT);
  return { salt: salt.toString('base64'), hash: hash.toString('base64') };
}

export async function secretMatches(secret: string, record: KeyRecord): Promise<boolean> {
  const expected = Buffer.from(record.hash, 'base64');
  const actual = await scrypt(secret, Buffer.from(record.salt, 'base64'), HASH_BYTES, SCRYPT);
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}
