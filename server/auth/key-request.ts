import { ServerError } from '../errors/server-error.js';
import { isRole } from './key-record.js';
import type { KeyRequest } from './key-writer.js';
import { isVersionConstraint, PLUGIN_PATTERN } from './scope.js';

const KEYS = ['role', 'plugins', 'versions', 'label', 'rps', 'burst'];
/** What a key request may hold (its OpenAPI schema reads the same limits). */
export const KEY_LIMITS = { listItems: 64, label: 200, rate: 1_000_000 } as const;

function bad(message: string): ServerError {
  return new ServerError('BAD_REQUEST', message);
}

function stringList(value: unknown, what: string, check: (item: string) => boolean): string[] {
  if (!Array.isArray(value) || value.length === 0 || value.length > KEY_LIMITS.listItems)
    throw bad(`"${what}" must be a list of 1 to ${KEY_LIMITS.listItems} strings`);
  for (const item of value)
    if (typeof item !== 'string' || !check(item))
      throw bad(`"${what}" holds an invalid entry: ${JSON.stringify(item)?.slice(0, 100)}`);
  return value as string[];
}

function count(value: unknown, what: string): number | undefined {
  if (value === undefined) return undefined;
  if (!Number.isInteger(value) || (value as number) < 0 || (value as number) > KEY_LIMITS.rate)
    throw bad(`"${what}" must be an integer from 0 to ${KEY_LIMITS.rate}`);
  return value as number;
}

/**
 * `{"role": "caller", "plugins": ["pricing", "up*"], "versions": ["^1.2.0"], "label": "...",
 * "rps": 50, "burst": 100}`: plugins are names or `*` patterns (`*` alone: every plugin);
 * versions (callers only) are semver versions or ranges. Unknown keys are refused.
 */
export function parseKeyRequest(value: unknown): KeyRequest {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw bad('send a JSON object: {"role": "caller", "plugins": ["upper"]}');
  const body = value as Record<string, unknown>;
  const unknown = Object.keys(body).find((key) => !KEYS.includes(key));
  if (unknown !== undefined) throw bad(`unknown key "${unknown}" (known: ${KEYS.join(', ')})`);
  if (!isRole(body.role)) throw bad('"role" must be caller, deployer or admin');
  const plugins =
    body.role === 'admin' && body.plugins === undefined
      ? ['*']
      : stringList(body.plugins, 'plugins', (item) => PLUGIN_PATTERN.test(item));
  let versions: string[] | undefined;
  if (body.versions !== undefined) {
    if (body.role !== 'caller') throw bad('"versions" applies to caller keys only');
    versions = stringList(body.versions, 'versions', isVersionConstraint);
  }
  if (
    body.label !== undefined &&
    (typeof body.label !== 'string' || body.label.length > KEY_LIMITS.label)
  )
    throw bad(`"label" must be a string of at most ${KEY_LIMITS.label} characters`);
  return {
    role: body.role,
    scope: versions === undefined ? { plugins } : { plugins, versions },
    label: body.label as string | undefined,
    rps: count(body.rps, 'rps'),
    burst: count(body.burst, 'burst'),
  };
}
