import type { FleetConnection } from './fleet-connection.js';
import { withJetStreamRetry } from './jetstream-retry.js';
import { replaceMeta } from './object-meta.js';
import { chunkSubject, OBJECT_STREAM, type ObjectVersion, toVersion } from './object-versions.js';

/**
 * Deletes the object only if its meta message is still `version`: a compare-and-set on the meta
 * subject's last sequence. An upload or rollback that named the object since (a new meta
 * message), or another collector that deleted it first, makes it a no-op: false.
 */
export async function deleteObjectVersion(
  connection: FleetConnection,
  version: Pick<ObjectVersion, 'name' | 'subject' | 'revision' | 'nuid' | 'meta'>,
): Promise<boolean> {
  const tombstone = { ...version.meta, deleted: true, size: 0, chunks: 0, digest: '' };
  const seq = await replaceMeta(connection, version, tombstone);
  if (seq === undefined) return false;
  await purgeDeleted(connection, { ...version, revision: seq });
  return true;
}

/**
 * Deletes the object only if its meta message is still the one at `revision` (a put this node
 * made): a refused upload's object, unless another upload touched it since.
 */
export async function deleteObjectAt(
  connection: FleetConnection,
  name: string,
  revision: number,
): Promise<boolean> {
  const jsm = await connection.js.jetstreamManager(false);
  const message = await withJetStreamRetry(() =>
    jsm.streams.getMessage(OBJECT_STREAM, { seq: revision }),
  ).catch(() => null);
  const version = message === null ? undefined : toVersion(message, message.time.getTime());
  if (version === undefined || version.name !== name || version.deleted) return false;
  return deleteObjectVersion(connection, version);
}

/**
 * Purges a deleted object's chunks, then its tombstone (`revision`), only up to it: a put of
 * the same name since (new chunks, a new meta message) stays. Also sweeps the tombstone of a
 * delete that stopped before its purge (its node died, the store failed).
 */
export async function purgeDeleted(
  connection: FleetConnection,
  tombstone: Pick<ObjectVersion, 'nuid' | 'subject' | 'revision'>,
): Promise<void> {
  const jsm = await connection.js.jetstreamManager(false);
  const { nuid, subject, revision } = tombstone;
  await withJetStreamRetry(() => jsm.streams.purge(OBJECT_STREAM, { filter: chunkSubject(nuid) }));
  await withJetStreamRetry(() =>
    jsm.streams.purge(OBJECT_STREAM, { filter: subject, seq: revision + 1 }),
  );
}
