import { headers } from '@nats-io/transport-node';
import { isWrongRevision } from './control-writer.js';
import { ARTIFACT_BUCKET, type FleetConnection } from './fleet-connection.js';
import { withJetStreamRetry } from './jetstream-retry.js';

/** The Object Store's stream and chunk subjects (NATS ADR-20, the Object Store's wire format). */
const STREAM = `OBJ_${ARTIFACT_BUCKET}`;
const chunkSubject = (nuid: string) => `$O.${ARTIFACT_BUCKET}.C.${nuid}`;

/**
 * An object as its last meta message left it: the message's stream sequence (the object's
 * revision) and the server's time of that message. Every put and every metadata update (an
 * upload or a rollback naming the object again: {@link ArtifactObjects}) writes a new one.
 */
export interface ObjectVersion {
  readonly name: string;
  readonly revision: number;
  /** When the server stored the meta message (ms since the epoch): the grace counts from it. */
  readonly time: number;
  readonly size: number;
  readonly plugin: string | undefined;
  readonly backend: string | undefined;
  readonly subject: string;
  readonly meta: Record<string, unknown>;
}

/** The object's current meta message; undefined when it is gone or deleted. */
export async function readObjectVersion(
  connection: FleetConnection,
  name: string,
): Promise<ObjectVersion | undefined> {
  const info = await withJetStreamRetry(() => connection.objects.info(name));
  if (info === null || info.deleted) return undefined;
  const jsm = await connection.js.jetstreamManager(false);
  const message = await withJetStreamRetry(() =>
    jsm.streams.getMessage(STREAM, { seq: info.revision }),
  );
  if (message === null) return undefined;
  return {
    name,
    revision: info.revision,
    time: message.time.getTime(),
    size: info.size,
    plugin: info.metadata?.plugin,
    backend: info.metadata?.backend,
    subject: message.subject,
    meta: message.json<Record<string, unknown>>(),
  };
}

const DELETE_HEADER = 'Twinplug-Delete';

/**
 * The tombstone's sequence, or undefined when the meta message is no longer `version` or
 * another collector's tombstone replaced it. The message id names the version replaced, not
 * the collector: nats-server before 2.9.21 checks the expected sequence before consensus, so
 * two collectors racing on a cluster may both pass it (nats-io/nats-server#4320); the id makes
 * the later one a duplicate. The header tells this collector's own retry (an ack lost) apart.
 */
async function publishTombstone(
  connection: FleetConnection,
  version: ObjectVersion,
  deletion: string,
): Promise<number | undefined> {
  const tombstone = { ...version.meta, deleted: true, size: 0, chunks: 0, digest: '' };
  const named = headers();
  named.set('Nats-Rollup', 'sub');
  named.set(DELETE_HEADER, deletion);
  let there: { seq: number } | { last_by_subj: string };
  try {
    const ack = await withJetStreamRetry(() =>
      connection.js.publish(version.subject, JSON.stringify(tombstone), {
        headers: named,
        msgID: `delete:${version.name}@${version.revision}`,
        expect: { lastSubjectSequence: version.revision },
      }),
    );
    if (!ack.duplicate) return ack.seq;
    there = { seq: ack.seq };
  } catch (error) {
    if (!isWrongRevision(error)) throw error;
    there = { last_by_subj: version.subject };
  }
  const jsm = await connection.js.jetstreamManager(false);
  const found = await jsm.streams.getMessage(STREAM, there).catch(() => null);
  return found?.header?.get(DELETE_HEADER) === deletion ? found.seq : undefined;
}

/**
 * Deletes the object only if its meta message is still `version`: a compare-and-set on the meta
 * subject's last sequence. An upload or rollback that named the object since (a new meta
 * message), or another collector that deleted it first, makes it a no-op: false.
 */
export async function deleteObjectVersion(
  connection: FleetConnection,
  version: ObjectVersion,
  collector: string,
): Promise<boolean> {
  const seq = await publishTombstone(connection, version, `${collector}@${version.revision}`);
  if (seq === undefined) return false;
  const jsm = await connection.js.jetstreamManager(false);
  const nuid = version.meta.nuid;
  if (typeof nuid === 'string')
    await withJetStreamRetry(() => jsm.streams.purge(STREAM, { filter: chunkSubject(nuid) }));
  // The tombstone too, once the chunks are gone; only up to it: a put of the same name since stays.
  await withJetStreamRetry(() =>
    jsm.streams.purge(STREAM, { filter: version.subject, seq: seq + 1 }),
  );
  return true;
}
