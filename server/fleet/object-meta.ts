import { randomUUID } from 'node:crypto';
import { headers } from '@nats-io/transport-node';
import { isWrongRevision } from './control-writer.js';
import type { FleetConnection } from './fleet-connection.js';
import { withJetStreamRetry } from './jetstream-retry.js';
import { OBJECT_STREAM } from './object-versions.js';

/** Names one meta write: a retry after a lost ack finds its own message there. */
const WRITE_HEADER = 'Twinplug-Meta-Write';

/** An object's meta message at one revision: what a replacement must find there. */
export interface MetaAt {
  readonly name: string;
  readonly subject: string;
  readonly revision: number;
}

/**
 * Publishes `meta` in place of the object's meta message at `at.revision` (a rollup, so the
 * subject keeps only it): its sequence, or undefined when another write replaced that
 * revision first. Every meta write of twinplug's goes through here: a collector's tombstone
 * and an upload's touch racing for one revision, one of them lands. The compare-and-set is the
 * expected last subject sequence; the message id naming the revision replaced covers
 * nats-server before 2.9.21, which checks that sequence before consensus, so two writes racing
 * on a cluster could both pass it (nats-io/nats-server#4320): the later one is a duplicate.
 */
export async function replaceMeta(
  connection: FleetConnection,
  at: MetaAt,
  meta: Record<string, unknown>,
): Promise<number | undefined> {
  const write = randomUUID();
  const named = headers();
  named.set('Nats-Rollup', 'sub');
  named.set(WRITE_HEADER, write);
  let there: { seq: number } | { last_by_subj: string };
  try {
    const ack = await withJetStreamRetry(() =>
      connection.js.publish(at.subject, JSON.stringify(meta), {
        headers: named,
        msgID: `replace:${at.name}@${at.revision}`,
        expect: { lastSubjectSequence: at.revision },
      }),
    );
    if (!ack.duplicate) return ack.seq;
    there = { seq: ack.seq };
  } catch (error) {
    if (!isWrongRevision(error)) throw error;
    there = { last_by_subj: at.subject };
  }
  const jsm = await connection.js.jetstreamManager(false);
  const found = await jsm.streams.getMessage(OBJECT_STREAM, there).catch(() => null);
  return found?.header?.get(WRITE_HEADER) === write ? found.seq : undefined;
}

/**
 * Writes the object's meta message again, its metadata merged with `metadata`: the time the
 * object collection's grace counts from, and a new revision that fails a collection's delete
 * of the one it read. False when the object is gone (deleted, never put).
 */
export async function touchObject(
  connection: FleetConnection,
  name: string,
  metadata: Record<string, string> = {},
): Promise<boolean> {
  const jsm = await connection.js.jetstreamManager(false);
  for (let attempt = 0; attempt < 5; attempt += 1) {
    const info = await withJetStreamRetry(() => connection.objects.info(name));
    if (info === null || info.deleted) return false;
    const message = await withJetStreamRetry(() =>
      jsm.streams.getMessage(OBJECT_STREAM, { seq: info.revision }),
    ).catch(() => null);
    if (message === null) continue; // replaced since the info: read again
    const meta = message.json<Record<string, unknown>>();
    const about = { ...info.metadata, ...metadata };
    const at = { name, subject: message.subject, revision: info.revision };
    if ((await replaceMeta(connection, at, { ...meta, metadata: about })) !== undefined)
      return true;
  }
  throw new Error(`the meta message of object ${name} kept changing`);
}
