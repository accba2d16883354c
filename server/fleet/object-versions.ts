import { DeliverPolicy } from '@nats-io/jetstream';
import { ARTIFACT_BUCKET, type FleetConnection } from './fleet-connection.js';
import { withJetStreamRetry } from './jetstream-retry.js';

/** The Object Store's stream and subjects (NATS ADR-20, the Object Store's wire format). */
export const OBJECT_STREAM = `OBJ_${ARTIFACT_BUCKET}`;
const META_SUBJECTS = `$O.${ARTIFACT_BUCKET}.M.>`;
export const chunkSubject = (nuid: string) => `$O.${ARTIFACT_BUCKET}.C.${nuid}`;

const SHA256 = /^[0-9a-f]{64}$/;
/** A nuid names a chunk subject: never a wildcard (`>` would purge every object's chunks). */
const NUID = /^[A-Za-z0-9]{1,64}$/;
const BATCH = 256;

/**
 * An object as its last meta message left it: the message's stream sequence (the object's
 * revision) and the server's time of that message. Every put and every touch (an upload or a
 * rollback naming the object again: {@link touchObject}) writes a new one; a delete writes a
 * tombstone (`deleted`).
 */
export interface ObjectVersion {
  readonly name: string;
  readonly revision: number;
  /** When the server stored the meta message (ms since the epoch): the grace counts from it. */
  readonly time: number;
  readonly size: number;
  readonly plugin: string | undefined;
  readonly backend: string | undefined;
  readonly deleted: boolean;
  /** Names the object's chunk subject. */
  readonly nuid: string;
  readonly subject: string;
  readonly meta: Readonly<Record<string, unknown>>;
}

/** A meta message as a consumer or a message get gives it. */
interface MetaMessage {
  readonly seq: number;
  readonly subject: string;
  json(): unknown;
}

const text = (value: unknown) => (typeof value === 'string' ? value : undefined);

/**
 * A meta message (stored at `time`, the server's clock) as a version; undefined for anything
 * twinplug does not put (a name that is not a sha256, a nuid that could be a wildcard): written
 * by whoever holds the bucket's credentials, so read field by field.
 */
export function toVersion(message: MetaMessage, time: number): ObjectVersion | undefined {
  let meta: unknown;
  try {
    meta = message.json();
  } catch {
    return undefined;
  }
  if (typeof meta !== 'object' || meta === null) return undefined;
  const { name, nuid, size, deleted, metadata } = meta as Record<string, unknown>;
  if (typeof name !== 'string' || !SHA256.test(name)) return undefined;
  if (typeof nuid !== 'string' || !NUID.test(nuid)) return undefined;
  const about = (typeof metadata === 'object' && metadata !== null ? metadata : {}) as Record<
    string,
    unknown
  >;
  return {
    name,
    revision: message.seq,
    time,
    size: Number.isSafeInteger(size) && (size as number) > 0 ? (size as number) : 0,
    plugin: text(about.plugin),
    backend: text(about.backend),
    deleted: deleted === true,
    nuid,
    subject: message.subject,
    meta: meta as Record<string, unknown>,
  };
}

/**
 * Every object's last meta message, tombstones included, with its sequence and time: one
 * ordered consumer delivering the last message of each meta subject.
 */
export function listObjectVersions(connection: FleetConnection): Promise<ObjectVersion[]> {
  return withJetStreamRetry(async () => {
    const consumer = await connection.js.consumers.get(OBJECT_STREAM, {
      filter_subjects: META_SUBJECTS,
      deliver_policy: DeliverPolicy.LastPerSubject,
    });
    const pending = (await consumer.info()).num_pending;
    const versions: ObjectVersion[] = [];
    for (let read = 0; read < pending; ) {
      const max = Math.min(BATCH, pending - read);
      const batch = await consumer.fetch({ max_messages: max, expires: 5000 });
      const before = read;
      for await (const message of batch) {
        read += 1;
        const version = toVersion(message, Math.floor(message.info.timestampNanos / 1e6));
        if (version !== undefined) versions.push(version);
      }
      if (read === before) throw new Error('the Object Store listing stalled');
    }
    return versions;
  });
}
