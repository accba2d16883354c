// Capabilities, deny by default: what a plugin may import and call, resolved once from
// plugin.json's `capabilities` or loadPlugin's, into plain data that crosses to a worker or a
// child process unchanged.
import { invalidOptions, positiveInteger } from '../option-checks.js';
import type { GrantName } from './api.js';
import type { HostFunction } from './plugin-host.js';

/** What a plugin may use of the host. Absent, a plugin gets nothing. See docs/host-api.md. */
export interface Capabilities {
  /** `log`; limits excess lines (dropped and counted) and long ones (truncated). */
  readonly log?: true | { readonly linesPerSecond?: number; readonly maxLineBytes?: number };
  /** `kv_get`, `kv_set`, `kv_delete` on the plugin's own store, of at most `maxBytes` (keys and values). */
  readonly kv?:
    | true
    | {
        readonly maxBytes?: number;
        readonly maxKeyBytes?: number;
        readonly maxValueBytes?: number;
      };
  /** The host functions (registered with loadPlugin's `hostFunctions`) `call_host` may call. */
  readonly hostFunctions?: readonly string[];
  /** Bounds on each `call_host`'s input and output. */
  readonly hostCalls?: { readonly maxInputBytes?: number; readonly maxOutputBytes?: number };
  /** WASI preview 1 (`wasi_snapshot_preview1`), implemented by the runtime: no files, no sockets. */
  readonly wasi?:
    | true
    | {
        readonly stdout?: 'log' | 'discard';
        readonly clock?: 'real' | 'fixed';
        readonly random?: 'real' | 'seeded';
      };
}

/** Capabilities with every default filled in; undefined means not granted. Plain data. */
export interface ResolvedGrants {
  readonly log: { readonly linesPerSecond: number; readonly maxLineBytes: number } | undefined;
  readonly kv:
    | { readonly maxBytes: number; readonly maxKeyBytes: number; readonly maxValueBytes: number }
    | undefined;
  readonly hostFunctions: readonly string[];
  readonly hostCalls: { readonly maxInputBytes: number; readonly maxOutputBytes: number };
  readonly wasi:
    | {
        readonly stdout: 'log' | 'discard';
        readonly clock: 'real' | 'fixed';
        readonly random: 'real' | 'seeded';
      }
    | undefined;
  /** Random seed of `random: 'seeded'`. */
  readonly seed: number;
  /** Deterministic mode (conformance): the plugin's clock is fixed, log limits included. */
  readonly deterministic: boolean;
}

export const DEFAULT_LOG = { linesPerSecond: 100, maxLineBytes: 4096 } as const;
export const DEFAULT_KV = { maxBytes: 1024 * 1024, maxKeyBytes: 256, maxValueBytes: 64 * 1024 };
export const DEFAULT_HOST_CALLS = { maxInputBytes: 64 * 1024, maxOutputBytes: 64 * 1024 };
/** Host-call payloads cross a worker's shared buffer (1 MiB) in one piece: this bounds them. */
export const MAX_HOST_PAYLOAD_BYTES = 512 * 1024;
const MAX_KEY_BYTES = 4096;
const MAX_LINE_BYTES = 64 * 1024;
const HOST_FUNCTION_NAME = /^[A-Za-z0-9_.:-]{1,128}$/;

const CAPABILITY_KEYS = ['log', 'kv', 'hostFunctions', 'hostCalls', 'wasi'] as const;

/** Nothing granted: what a plugin without capabilities gets. */
export const NO_GRANTS: ResolvedGrants = {
  log: undefined,
  kv: undefined,
  hostFunctions: [],
  hostCalls: DEFAULT_HOST_CALLS,
  wasi: undefined,
  seed: 0,
  deterministic: false,
};

function record(value: unknown, name: string): Record<string, unknown> {
  if (value === true) return {};
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw invalidOptions(`"capabilities.${name}" must be true or an object`);
  return value as Record<string, unknown>;
}

function checkKeys(value: Record<string, unknown>, known: readonly string[], where: string): void {
  for (const key of Object.keys(value)) {
    if (!known.includes(key))
      throw invalidOptions(`unknown key "${key}" in ${where} (known: ${known.join(', ')})`);
  }
}

function oneOf<T extends string>(
  value: unknown,
  allowed: readonly T[],
  name: string,
  fallback: T,
): T {
  if (value === undefined) return fallback;
  if (!allowed.includes(value as T))
    throw invalidOptions(`"${name}" must be ${allowed.join(' or ')}, got ${String(value)}`);
  return value as T;
}

function resolveLog(value: unknown): ResolvedGrants['log'] {
  if (value === undefined) return undefined;
  const log = record(value, 'log');
  checkKeys(log, ['linesPerSecond', 'maxLineBytes'], '"capabilities.log"');
  return {
    linesPerSecond: positiveInteger(
      log.linesPerSecond as number | undefined,
      'capabilities.log.linesPerSecond',
      DEFAULT_LOG.linesPerSecond,
      1_000_000,
    ),
    maxLineBytes: positiveInteger(
      log.maxLineBytes as number | undefined,
      'capabilities.log.maxLineBytes',
      DEFAULT_LOG.maxLineBytes,
      MAX_LINE_BYTES,
    ),
  };
}

function resolveKv(value: unknown): ResolvedGrants['kv'] {
  if (value === undefined) return undefined;
  const kv = record(value, 'kv');
  checkKeys(kv, ['maxBytes', 'maxKeyBytes', 'maxValueBytes'], '"capabilities.kv"');
  const limit = (key: keyof typeof DEFAULT_KV, max: number) =>
    positiveInteger(kv[key] as number | undefined, `capabilities.kv.${key}`, DEFAULT_KV[key], max);
  return {
    maxBytes: limit('maxBytes', 2 ** 31 - 1),
    maxKeyBytes: limit('maxKeyBytes', MAX_KEY_BYTES),
    maxValueBytes: limit('maxValueBytes', MAX_HOST_PAYLOAD_BYTES),
  };
}

function resolveHostFunctions(value: unknown): readonly string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || value.some((name) => typeof name !== 'string'))
    throw invalidOptions('"capabilities.hostFunctions" must be an array of names');
  for (const name of value as string[]) {
    if (!HOST_FUNCTION_NAME.test(name))
      throw invalidOptions(`host function name "${name}" must match ${HOST_FUNCTION_NAME}`);
  }
  return [...new Set(value as string[])];
}

function resolveHostCalls(value: unknown): ResolvedGrants['hostCalls'] {
  if (value === undefined) return DEFAULT_HOST_CALLS;
  const calls = record(value, 'hostCalls');
  checkKeys(calls, ['maxInputBytes', 'maxOutputBytes'], '"capabilities.hostCalls"');
  const limit = (key: keyof typeof DEFAULT_HOST_CALLS) =>
    positiveInteger(
      calls[key] as number | undefined,
      `capabilities.hostCalls.${key}`,
      DEFAULT_HOST_CALLS[key],
      MAX_HOST_PAYLOAD_BYTES,
    );
  return { maxInputBytes: limit('maxInputBytes'), maxOutputBytes: limit('maxOutputBytes') };
}

function resolveWasi(value: unknown, deterministic: boolean): ResolvedGrants['wasi'] {
  if (value === undefined) return undefined;
  const wasi = record(value, 'wasi');
  checkKeys(wasi, ['stdout', 'clock', 'random'], '"capabilities.wasi"');
  const stdout = oneOf(wasi.stdout, ['log', 'discard'], 'capabilities.wasi.stdout', 'log');
  const clock = oneOf(wasi.clock, ['real', 'fixed'], 'capabilities.wasi.clock', 'real');
  const random = oneOf(wasi.random, ['real', 'seeded'], 'capabilities.wasi.random', 'real');
  return deterministic ? { stdout, clock: 'fixed', random: 'seeded' } : { stdout, clock, random };
}

/** Deterministic mode: a fixed clock and seeded random whatever the grants say (conformance). */
export interface DeterministicOptions {
  readonly seed?: number;
}

/** Resolves `capabilities` once; `deterministic` forces a fixed clock and seeded random. */
export function resolveGrants(
  capabilities: Capabilities | undefined,
  deterministic: boolean | DeterministicOptions | undefined,
): ResolvedGrants {
  if (capabilities === undefined && deterministic === undefined) return NO_GRANTS;
  const given = record(capabilities ?? {}, 'capabilities');
  checkKeys(given, CAPABILITY_KEYS, '"capabilities"');
  const seed = typeof deterministic === 'object' ? (deterministic.seed ?? 0) : 0;
  if (!Number.isInteger(seed) || seed < 0 || seed > 2 ** 32 - 1)
    throw invalidOptions('"deterministic.seed" must be an integer from 0 to 2^32-1');
  const fixed = deterministic !== undefined && deterministic !== false;
  return {
    log: resolveLog(given.log),
    kv: resolveKv(given.kv),
    hostFunctions: resolveHostFunctions(given.hostFunctions),
    hostCalls: resolveHostCalls(given.hostCalls),
    wasi: resolveWasi(given.wasi, fixed),
    seed,
    deterministic: fixed,
  };
}

/** Whether a grant is given: the check behind every import at load and every native call. */
export function isGranted(grants: ResolvedGrants, grant: GrantName): boolean {
  if (grant === 'hostFunctions') return grants.hostFunctions.length > 0;
  return grants[grant] !== undefined;
}

/** How to grant it, for PLUGIN_CAPABILITY_DENIED's message. */
export function grantHint(grant: GrantName): string {
  if (grant === 'hostFunctions') return 'capabilities.hostFunctions: ["<name>"]';
  return `capabilities.${grant}: true`;
}

/** loadPlugin's `capabilities` row: checked here, kept as given (grants are resolved with `deterministic`). */
export function checkCapabilities(value: Capabilities | undefined): Capabilities | undefined {
  if (value !== undefined) resolveGrants(value, undefined);
  return value;
}

/** loadPlugin's `deterministic` row. */
export function checkDeterministic(
  value: boolean | DeterministicOptions | undefined,
): boolean | DeterministicOptions | undefined {
  if (value !== undefined) resolveGrants(undefined, value);
  return value;
}

/** loadPlugin's `hostFunctions` row: names are data, so they go into a Map. */
export function hostFunctionMap(
  value: Readonly<Record<string, HostFunction>> | undefined,
): ReadonlyMap<string, HostFunction> {
  if (value !== undefined && (typeof value !== 'object' || value === null))
    throw invalidOptions('"hostFunctions" must map names to functions');
  const map = new Map<string, HostFunction>();
  for (const [name, fn] of Object.entries(value ?? {})) {
    if (typeof fn !== 'function') throw invalidOptions(`host function "${name}" is not a function`);
    map.set(name, fn);
  }
  return map;
}
