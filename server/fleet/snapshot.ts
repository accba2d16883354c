import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ensurePrivateDir, writePrivateFile } from '../fs/private-files.js';
import { type FleetRecord, parseFleetRecord } from './fleet-record.js';

const FILE = 'snapshot.json';

/** Saves what the node follows, so a start while the store is down serves the same state. */
export async function writeSnapshot(dir: string, records: ReadonlyMap<string, FleetRecord>) {
  await ensurePrivateDir(dir);
  await writePrivateFile(join(dir, FILE), JSON.stringify(Object.fromEntries(records)));
}

/** The last snapshot; empty when there is none or it is unreadable. */
export async function readSnapshot(dir: string): Promise<Map<string, FleetRecord>> {
  const records = new Map<string, FleetRecord>();
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(join(dir, FILE), 'utf8'));
  } catch {
    return records;
  }
  if (typeof raw !== 'object' || raw === null) return records;
  for (const [name, value] of Object.entries(raw))
    records.set(name, parseFleetRecord(new TextEncoder().encode(JSON.stringify(value))));
  return records;
}
