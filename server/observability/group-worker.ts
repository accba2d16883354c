import type { Registry } from 'prom-client';
import { ServerError } from '../errors/server-error.js';
import {
  GROUP_TIMEOUT_MS,
  type GroupMessage,
  isGroupMessage,
  type RegistryJson,
} from './group-messages.js';
import type { VersionSeries } from './version-series.js';

/** What a process answers for the whole process group (`--workers N`), as the primary gathers it. */
export interface GroupView {
  text(): Promise<string>;
  series(): Promise<VersionSeries[]>;
  close(): void;
}

type Answer = GroupMessage & { twinplug: 'metrics-answer' };

function send(message: GroupMessage): void {
  // A callback keeps a closed channel's error off the process' 'error' event.
  if (process.connected) process.send?.(message, undefined, undefined, () => {});
}

async function collect(registry: Registry, names?: readonly string[]): Promise<RegistryJson> {
  if (names === undefined) return registry.getMetricsAsJSON();
  const metrics = names
    .map((name) => registry.getSingleMetric(name))
    .filter((m) => m !== undefined);
  return (await Promise.all(metrics.map((metric) => metric.get()))) as RegistryJson;
}

/**
 * A cluster worker's side: sends its registry when the primary collects, and asks the primary
 * for the group's metrics and charts (the primary aggregates; no worker answers for itself alone).
 */
export class WorkerGroupRelay implements GroupView {
  #seq = 0;
  readonly #pending = new Map<number, (answer: Answer) => void>();
  readonly #onMessage: (message: unknown) => void;

  constructor(registry: Registry) {
    this.#onMessage = (message) => {
      if (!isGroupMessage(message)) return;
      if (message.twinplug === 'metrics-collect') {
        const { seq, names } = message;
        void collect(registry, names).then(
          (metrics) => send({ twinplug: 'metrics-part', seq, metrics }),
          () => {}, // no part: the primary's scrape times out with METRICS_UNAVAILABLE
        );
      }
      if (message.twinplug === 'metrics-answer') this.#pending.get(message.seq)?.(message);
    };
    process.on('message', this.#onMessage);
    send({ twinplug: 'metrics-ready' });
  }

  #ask(what: 'text' | 'series'): Promise<Answer> {
    const seq = ++this.#seq;
    return new Promise((resolve, reject) => {
      if (!process.connected) {
        reject(new ServerError('METRICS_UNAVAILABLE', 'the channel to the primary is closed'));
        return;
      }
      const timer = setTimeout(() => {
        this.#pending.delete(seq);
        reject(new ServerError('METRICS_UNAVAILABLE', 'the primary did not answer in time'));
      }, GROUP_TIMEOUT_MS * 2);
      this.#pending.set(seq, (answer) => {
        clearTimeout(timer);
        this.#pending.delete(seq);
        if (answer.error === undefined) resolve(answer);
        else reject(new ServerError(answer.error.code, answer.error.message));
      });
      send({ twinplug: 'metrics-ask', seq, what });
    });
  }

  async text(): Promise<string> {
    return (await this.#ask('text')).text ?? '';
  }

  async series(): Promise<VersionSeries[]> {
    return (await this.#ask('series')).series ?? [];
  }

  close(): void {
    process.off('message', this.#onMessage);
  }
}
