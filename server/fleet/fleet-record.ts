import type { Backend } from '../../runtime/index.js';
import type { StoredRollout } from '../rollout/control-store.js';

/** A build in the Object Store, named by the sha256 of its bytes. */
export interface BuildRef {
  readonly sha256: string;
  readonly version?: string;
}

/**
 * The value of a plugin's key in the control bucket: its rollout record (traffic, withdrawn
 * builds, the last command) and the build each backend serves. One key, so one revision orders
 * every change to the plugin.
 */
export interface FleetRecord {
  readonly rollout?: StoredRollout;
  readonly builds?: Partial<Record<Backend, BuildRef>>;
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
  const builds: Partial<Record<Backend, BuildRef>> = Object.create(null);
  const rawBuilds = (raw.builds ?? {}) as Record<string, unknown>;
  for (const backend of ['wasm', 'native'] as const) {
    const ref = buildRef(Object.hasOwn(rawBuilds, backend) ? rawBuilds[backend] : undefined);
    if (ref !== undefined) builds[backend] = ref;
  }
  const rollout = typeof raw.rollout === 'object' && raw.rollout !== null ? raw.rollout : undefined;
  return rollout === undefined ? { builds } : { rollout: rollout as StoredRollout, builds };
}

/**
 * The record with `backend` pointed at `build`. A new build starts a new canary: the progress
 * the fleet recorded for the last one is dropped; a withdrawn build pointed at again (an upload
 * of it) is no longer withdrawn.
 */
export function withBuild(current: FleetRecord, backend: Backend, build: BuildRef): FleetRecord {
  const builds = { ...current.builds, [backend]: build };
  if (current.rollout === undefined) return { ...current, builds };
  const { canary: _done, withdrawn, ...rest } = current.rollout;
  // In the same write: a node loading the build must never find it still withdrawn.
  const kept = withdrawn?.filter((gone) => gone.sha256 !== build.sha256);
  const rollout = kept === undefined ? rest : { ...rest, withdrawn: kept };
  return { ...current, rollout, builds };
}

export function encodeFleetRecord(record: FleetRecord): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(record));
}
