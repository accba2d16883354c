import { isSemver } from '../../runtime/index.js';
import { ServerError } from '../errors/server-error.js';

/** Sends requests whose header `header` equals `value` to `version` (e.g. X-User-Role: admin → the canary). */
export interface RouteRule {
  readonly header: string;
  readonly value: string;
  readonly version: string;
}

/**
 * How one plugin's requests are spread over its loaded versions. No weights: every request goes
 * to the active version. Weights are relative (80/20, or 4/1); a version that is not loaded
 * gets nothing. `stickyHeader` names a header whose value is hashed so that one key (a user)
 * stays on one version while the weights hold.
 */
export interface Traffic {
  readonly weights?: Readonly<Record<string, number>>;
  readonly rules?: readonly RouteRule[];
  readonly stickyHeader?: string;
}

export const HEADER_NAME = /^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,128}$/;
const KEYS = ['weights', 'rules', 'stickyHeader'];
const RULE_KEYS = ['header', 'value', 'version'];
export const MAX_RULES = 64;
export const MAX_WEIGHT = 10_000;

function bad(message: string): ServerError {
  return new ServerError('INVALID_TRAFFIC', message);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function onlyKeys(value: Record<string, unknown>, known: string[], where: string): void {
  const unknown = Object.keys(value).find((key) => !known.includes(key));
  if (unknown !== undefined) throw bad(`unknown key "${unknown}" in ${where} (known: ${known})`);
}

function parseWeights(value: unknown): Record<string, number> {
  if (!isRecord(value)) throw bad('"weights" must map versions to weights, e.g. {"1.0.0": 80}');
  // Keys come from outside: a null-prototype object (they are semantic versions, checked below).
  const weights: Record<string, number> = Object.create(null);
  for (const [version, weight] of Object.entries(value)) {
    if (!isSemver(version)) throw bad(`"weights" key "${version}" is not a semantic version`);
    if (!Number.isInteger(weight) || (weight as number) < 0 || (weight as number) > MAX_WEIGHT)
      throw bad(`weight of ${version} must be an integer from 0 to ${MAX_WEIGHT}`);
    weights[version] = weight as number;
  }
  const total = Object.values(weights).reduce((sum, weight) => sum + weight, 0);
  if (total === 0) throw bad('"weights" must give at least one version a positive weight');
  return weights;
}

function parseRule(value: unknown, index: number): RouteRule {
  if (!isRecord(value)) throw bad(`rules[${index}] must be an object`);
  onlyKeys(value, RULE_KEYS, `rules[${index}]`);
  const { header, value: expected, version } = value;
  if (typeof header !== 'string' || !HEADER_NAME.test(header))
    throw bad(`rules[${index}].header must be a header name`);
  if (typeof expected !== 'string' || expected.length > 1024)
    throw bad(`rules[${index}].value must be a string of at most 1024 characters`);
  if (typeof version !== 'string' || !isSemver(version))
    throw bad(`rules[${index}].version must be a semantic version`);
  return { header: header.toLowerCase(), value: expected, version };
}

/** Checks a traffic document strictly (unknown keys refused); header names are lower-cased. */
export function parseTraffic(value: unknown): Traffic {
  if (!isRecord(value)) throw bad('traffic must be a JSON object');
  onlyKeys(value, KEYS, 'traffic');
  const traffic: { -readonly [K in keyof Traffic]: Traffic[K] } = {};
  if (value.weights !== undefined) traffic.weights = parseWeights(value.weights);
  if (value.rules !== undefined) {
    if (!Array.isArray(value.rules) || value.rules.length > MAX_RULES)
      throw bad(`"rules" must be a list of at most ${MAX_RULES} rules`);
    traffic.rules = value.rules.map(parseRule);
  }
  if (value.stickyHeader !== undefined) {
    if (typeof value.stickyHeader !== 'string' || !HEADER_NAME.test(value.stickyHeader))
      throw bad('"stickyHeader" must be a header name');
    traffic.stickyHeader = value.stickyHeader.toLowerCase();
  }
  return traffic;
}

/** The same policy without weights: all unpinned traffic to the active version, rules kept. */
export function withoutWeights(traffic: Traffic | undefined): Traffic {
  const { weights: _dropped, ...rest } = traffic ?? {};
  return rest;
}
