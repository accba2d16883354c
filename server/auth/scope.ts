import { satisfies, validRange } from 'semver';
import type { Principal, Role, Scope } from './principal.js';

/** What a request does, and the least role that may do it (within the key's scope). */
export const ACTION_ROLE = {
  /** POST /v1/plugins/:name */
  call: 'caller',
  /** GET /v1/admin/plugins, /events: the plugins in scope. */
  inspect: 'deployer',
  /** upload, activate, traffic, rollback. */
  deploy: 'deployer',
  /** DELETE a plugin, keys, the audit log. */
  administer: 'admin',
} as const satisfies Record<string, Role>;

export type Action = keyof typeof ACTION_ROLE;
const RANK: Readonly<Record<Role, number>> = { caller: 0, deployer: 1, admin: 2 };

/** A plugin pattern: a plugin name where `*` stands for any run of characters. */
export const PLUGIN_PATTERN = /^[A-Za-z0-9._*-]{1,128}$/;

const compiled = new Map<string, RegExp>();

function patternMatches(pattern: string, name: string): boolean {
  if (!pattern.includes('*')) return pattern === name;
  let regex = compiled.get(pattern);
  if (regex === undefined) {
    // Patterns are checked against PLUGIN_PATTERN when a key is made: `.` is the only metacharacter.
    const parts = pattern.split('*').map((part) => part.replace(/[.]/g, '\\.'));
    regex = new RegExp(`^${parts.join('.*')}$`);
    if (compiled.size > 1024) compiled.clear();
    compiled.set(pattern, regex);
  }
  return regex.test(name);
}

export function roleAllows(role: Role, action: Action): boolean {
  return RANK[role] >= RANK[ACTION_ROLE[action]];
}

export function scopeNames(scope: Scope, plugin: string): boolean {
  return scope.plugins.some((pattern) => patternMatches(pattern, plugin));
}

/** A version constraint of a caller's scope: an exact version or a semver range. */
export function isVersionConstraint(value: string): boolean {
  return value.length <= 64 && validRange(value) !== null;
}

export function versionAllowed(scope: Scope, version: string): boolean {
  return scope.versions === undefined || scope.versions.some((range) => satisfies(version, range));
}

/** Whether the key may do `action` on `plugin` (undefined: no particular plugin). */
export function allows(principal: Principal, action: Action, plugin?: string): boolean {
  if (!roleAllows(principal.role, action)) return false;
  return plugin === undefined || scopeNames(principal.scope, plugin);
}
