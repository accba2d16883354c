import cluster, { type Worker } from 'node:cluster';
import { ServerError, type ServerErrorCode } from '../errors/server-error.js';
import type { KeyView } from './key-record.js';
import type { KeyStore } from './key-store.js';
import { type CreatedKey, FileKeyWriter, type KeyRequest, type KeyWriter } from './key-writer.js';

/**
 * With `--workers N` the primary is the keys file's only writer. A worker's admin API sends it
 * the change; the primary writes the file, tells every worker to reload and waits for each
 * one's acknowledgement, and only then answers: when `revoke` returns, no worker accepts the
 * key any more. (A file watch would leave a window in which another worker still accepts it.)
 */
type Change =
  | { twinplug: 'keys'; op: 'create'; request: KeyRequest }
  | { twinplug: 'keys'; op: 'revoke'; id: string };

type Message =
  | (Change & { seq: number })
  | { twinplug: 'keys-result'; seq: number; value?: unknown; error?: SentError }
  | { twinplug: 'keys-reload'; seq: number }
  | { twinplug: 'keys-reloaded'; seq: number };

interface SentError {
  code: ServerErrorCode;
  message: string;
  details?: Record<string, unknown> | undefined;
}

const RELOAD_TIMEOUT_MS = 10_000;

function isMessage(value: unknown): value is Message {
  return typeof value === 'object' && value !== null && 'twinplug' in value;
}

/** A worker's writer: every change goes through the primary. */
export class RelayKeyWriter implements KeyWriter {
  #seq = 0;
  readonly #pending = new Map<number, (message: Message & { twinplug: 'keys-result' }) => void>();

  constructor(store: KeyStore) {
    process.on('message', (message: unknown) => {
      if (!isMessage(message)) return;
      if (message.twinplug === 'keys-reload')
        void store
          .reload()
          .catch(() => {})
          .then(() => process.send?.({ twinplug: 'keys-reloaded', seq: message.seq }));
      if (message.twinplug === 'keys-result') this.#pending.get(message.seq)?.(message);
    });
  }

  #ask(message: Change): Promise<unknown> {
    const seq = ++this.#seq;
    return new Promise((resolve, reject) => {
      this.#pending.set(seq, (answer) => {
        this.#pending.delete(seq);
        if (answer.error === undefined) resolve(answer.value);
        else reject(new ServerError(answer.error.code, answer.error.message, answer.error.details));
      });
      process.send!({ ...message, seq });
    });
  }

  create(request: KeyRequest): Promise<CreatedKey> {
    return this.#ask({ twinplug: 'keys', op: 'create', request }) as Promise<CreatedKey>;
  }

  revoke(id: string): Promise<KeyView> {
    return this.#ask({ twinplug: 'keys', op: 'revoke', id }) as Promise<KeyView>;
  }
}

function reloadEveryWorker(seq: number): Promise<void> {
  const workers = Object.values(cluster.workers ?? {}).filter((w): w is Worker => w !== undefined);
  return Promise.all(
    workers.map(
      (worker) =>
        new Promise<void>((done) => {
          const finish = () => {
            clearTimeout(timer);
            worker.off('message', onMessage);
            worker.off('exit', finish);
            done();
          };
          const onMessage = (message: unknown) => {
            if (isMessage(message) && message.twinplug === 'keys-reloaded' && message.seq === seq)
              finish();
          };
          const timer = setTimeout(finish, RELOAD_TIMEOUT_MS);
          worker.on('message', onMessage);
          worker.once('exit', finish);
          worker.send({ twinplug: 'keys-reload', seq });
        }),
    ),
  ).then(() => {});
}

/** In the primary: applies the workers' key changes to the file, one writer for all. */
export function serveKeyRelay(path: string): void {
  let reloads = 0;
  const writer = new FileKeyWriter(path, () => reloadEveryWorker(++reloads));
  cluster.on('message', (worker, message: unknown) => {
    if (!isMessage(message) || message.twinplug !== 'keys') return;
    const work =
      message.op === 'create' ? writer.create(message.request) : writer.revoke(message.id);
    work.then(
      (value) => worker.send({ twinplug: 'keys-result', seq: message.seq, value }),
      (error: unknown) => {
        const sent: SentError =
          error instanceof ServerError
            ? { code: error.code, message: error.message, details: error.details }
            : { code: 'INTERNAL_ERROR', message: 'the keys file could not be changed' };
        worker.send({ twinplug: 'keys-result', seq: message.seq, error: sent });
      },
    );
  });
}
