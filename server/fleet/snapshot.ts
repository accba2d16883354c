import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type FleetRecord, parseFleetRecord } from './fleet-record.js';

const FILE = 'snapshot.json';

/** Saves what the node follows, so a start while the store is down serves the same state. */
export async function writeSnapshot(dir: string, records: ReadonlyMap<string, FleetRecord>) {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const temp = join(dir, `${FILE}.${process.pid}.tmp`);
  await writeFile(temp, JSON.stringify(Object.fromEntries(records)), { mode: 0o600 });
  await rename(temp, join(dir, FILE));
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
