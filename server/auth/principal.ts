/** What a key may do: `caller` calls plugins, `deployer` also changes them, `admin` everything. */
export const ROLES = ['caller', 'deployer', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** The plugins a key reaches: names or `*` patterns; for callers optionally only some versions. */
export interface Scope {
  readonly plugins: readonly string[];
  readonly versions?: readonly string[] | undefined;
}

/** Who sent a request: a key's id (never its secret), its role and scope. */
export interface Principal {
  readonly id: string;
  readonly role: Role;
  readonly scope: Scope;
  /** The key's own rate limit, overriding `limits.keyRps` / `limits.keyBurst`. */
  readonly rps?: number | undefined;
  readonly burst?: number | undefined;
}

/** TWINPLUG_ADMIN_TOKEN, as the `admin` key it stands for. */
export const ADMIN_TOKEN_PRINCIPAL: Principal = {
  id: 'admin-token',
  role: 'admin',
  scope: { plugins: ['*'] },
};
