import type { Backend } from '../../runtime/index.js';
import type { StoredRollout } from '../rollout/control-store.js';

/** A build in the Object Store, named by the sha256 of its bytes. */
export interface BuildRef {
  readonly sha256: string;
  readonly version?: string;
}

export type BuildRefs = Partial<Record<Backend, BuildRef>>;

/**
 * The value of a plugin's key in the control bucket: its rollout record (traffic, withdrawn
 * builds, the last command), the build each backend serves, and the build each served before
 * (what a rollback returns to: the object collection keeps it). One key, so one revision orders
 * every change to the plugin.
 */
export interface FleetRecord {
  readonly rollout?: StoredRollout;
  readonly builds?: BuildRefs;
  readonly previous?: BuildRefs;
}

const SHA256 = /^[0-9a-f]{64}$/;

function buildRef(value: unknown): BuildRef | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const { sha256, version } = value as Record<string, unknown>;
  if (typeof sha256 !== 'string' || !SHA256.test(sha256)) return undefined;
  return typeof version === 'string' ? { sha256, version } : { sha256 };
}

/** Reads a key's value; anything malformed is dropped, never trusted. */
export function parseFleetRecord(bytes: Uint8Array): FleetRecord {
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    return {};
  }
  if (typeof value !== 'object' || value === null) return {};
  const raw = value as Record<string, unknown>;
  const builds = buildRefs(raw.builds);
  const previous = buildRefs(raw.previous);
  const rollout = typeof raw.rollout === 'object' && raw.rollout !== null ? raw.rollout : undefined;
  return {
    ...(rollout === undefined ? {} : { rollout: rollout as StoredRollout }),
    builds,
    ...(Object.keys(previous).length === 0 ? {} : { previous }),
  };
}

function buildRefs(value: unknown): BuildRefs {
  const refs: BuildRefs = Object.create(null);
  const raw = (typeof value === 'object' && value !== null ? value : {}) as Record<string, unknown>;
  for (const backend of ['wasm', 'native'] as const) {
    const ref = buildRef(Object.hasOwn(raw, backend) ? raw[backend] : undefined);
    if (ref !== undefined) refs[backend] = ref;
  }
  return refs;
}

/**
 * The record with `backend` pointed at `build`; the build it replaces becomes the backend's
 * previous one. A new build starts a new canary: the progress the fleet recorded for the last
 * one is dropped; a withdrawn build pointed at again (an upload of it) is no longer withdrawn.
 */
export function withBuild(current: FleetRecord, backend: Backend, build: BuildRef): FleetRecord {
  const builds = { ...current.builds, [backend]: build };
  const replaced = current.builds?.[backend];
  const previous =
    replaced === undefined || replaced.sha256 === build.sha256
      ? current.previous
      : { ...current.previous, [backend]: replaced };
  const pointed =
    previous === undefined ? { ...current, builds } : { ...current, builds, previous };
  if (current.rollout === undefined) return pointed;
  const { canary: _done, withdrawn, ...rest } = current.rollout;
  // In the same write: a node loading the build must never find it still withdrawn.
  const kept = withdrawn?.filter((gone) => gone.sha256 !== build.sha256);
  const rollout = kept === undefined ? rest : { ...rest, withdrawn: kept };
  return { ...pointed, rollout };
}

export function encodeFleetRecord(record: FleetRecord): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(record));
}
