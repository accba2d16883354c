import { headers } from '@nats-io/transport-node';
import { ServerError } from '../errors/server-error.js';
import type { Logger } from '../observability/logger.js';
import { keyOf } from './control-keys.js';
import { CONTROL_BUCKET, type FleetConnection } from './fleet-connection.js';
import { encodeFleetRecord, type FleetRecord } from './fleet-record.js';
import type { FollowedRecords } from './followed-records.js';
import { withJetStreamRetry } from './jetstream-retry.js';

/** Names each write (node and counter): a retried write that landed recognises itself. */
const WRITE_HEADER = 'Twinplug-Write';

function isWrongRevision(error: unknown): boolean {
  return error instanceof Error && /wrong last sequence|key exists/i.test(error.message);
}

/** A store error as the admin API answers it: CONTROL_STORE_UNAVAILABLE unless already typed. */
export function unavailable(error: unknown, log: Logger): unknown {
  if (error instanceof ServerError) return error;
  log.warn({ err: error }, 'fleet store write failed');
  return new ServerError(
    'CONTROL_STORE_UNAVAILABLE',
    'the fleet store did not answer: try again later',
  );
}

export interface ControlWriterOptions {
  /** This node's id: it names the node's writes. */
  readonly node: string;
  readonly records: FollowedRecords;
  /** The connection, or a typed refusal when the store is unreachable. */
  readonly connected: () => FleetConnection;
  /** After a conflict: the rollouts take the stored records in again. */
  readonly changed: () => void;
  readonly log: Logger;
}

/**
 * Writes to a plugin's key in the control bucket, each a compare-and-set on the revision this
 * node last saw, made safe to retry after a lost ack. The record written is taken in at once.
 */
export class ControlWriter {
  readonly #options: ControlWriterOptions;
  #writes = 0;

  constructor(options: ControlWriterOptions) {
    this.#options = options;
  }

  /**
   * A compare-and-set on the revision this node last saw (or on `conflict`, a revision the admin
   * read). When another node wrote first, a rollout change fails with ROLLOUT_CONFLICT (the
   * admin sees the state now and decides again); with `conflict` false (a build pointer) it is
   * applied again on the record now.
   */
  async write(
    name: string,
    conflict: boolean | number,
    change: (current: FleetRecord) => FleetRecord,
  ): Promise<void> {
    const { records, log } = this.#options;
    const connection = this.#options.connected();
    const pinned = typeof conflict === 'number' ? conflict : undefined;
    for (let attempt = 0; attempt < 10; attempt += 1) {
      const seen = pinned ?? records.revision(name) ?? 0;
      const next = change(records.record(name) ?? {});
      const value = encodeFleetRecord(next);
      this.#writes += 1;
      const write = `${this.#options.node}:${this.#writes}`;
      try {
        const revision = await withJetStreamRetry(() =>
          this.#update(connection, name, value, seen, write),
        );
        records.accept(name, revision, next);
        return;
      } catch (error) {
        if (!isWrongRevision(error)) throw unavailable(error, log);
      }
      const latest = await withJetStreamRetry(() => connection.kv.get(keyOf(name))).catch(
        () => null,
      );
      if (latest !== null) records.take(latest);
      // Always: the losing change was applied locally first, and the watch may have brought
      // the winner's record before it; the rollouts take the stored records in again.
      this.#options.changed();
      if (conflict !== false)
        throw new ServerError(
          'ROLLOUT_CONFLICT',
          `another node changed "${name}" first (revision ${latest?.revision ?? 'gone'}); nothing was written`,
          { stored: records.record(name)?.rollout },
        );
    }
    throw new ServerError('CONTROL_STORE_BUSY', `"${name}" kept changing under this write`);
  }

  /**
   * kv.update (kv.create for revision 0), plus a message id naming the revision replaced:
   * nats-server before 2.9.21 checks the expected revision before consensus, so two updates
   * racing on a cluster may both pass it (nats-io/nats-server#4320); the id makes the later one
   * a duplicate, refused here as a conflict. Unless the write there is this one: a retry after
   * an ack lost with the connection finds its own write (its header), a success.
   */
  async #update(
    connection: FleetConnection,
    name: string,
    value: Uint8Array,
    seen: number,
    write: string,
  ): Promise<number> {
    const subject = `$KV.${CONTROL_BUCKET}.${keyOf(name)}`;
    const named = headers();
    named.set(WRITE_HEADER, write);
    let duplicateOf: number | undefined;
    try {
      const ack = await connection.js.publish(subject, value, {
        msgID: `${keyOf(name)}@${seen}`,
        expect: { lastSubjectSequence: seen },
        headers: named,
      });
      if (!ack.duplicate) return ack.seq;
      duplicateOf = ack.seq;
    } catch (error) {
      if (!isWrongRevision(error)) throw error;
    }
    const jsm = await connection.js.jetstreamManager(false);
    const there = await jsm.streams
      .getMessage(
        `KV_${CONTROL_BUCKET}`,
        duplicateOf === undefined ? { last_by_subj: subject } : { seq: duplicateOf },
      )
      .catch(() => null);
    if (there !== null && there.header?.get(WRITE_HEADER) === write) return there.seq;
    throw new Error(`wrong last sequence: ${subject} was replaced at ${seen} already`);
  }
}
