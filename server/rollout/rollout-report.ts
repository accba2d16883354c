import type { ServedVersion } from '../../runtime/index.js';
import type { FeedEvent } from '../observability/event-feed.js';
import type { RolloutDeps } from './rollout-deps.js';

/** Who asked for a rollback, and why. */
export interface RollbackRequest {
  readonly trigger: 'automatic' | 'manual';
  readonly reason: string;
}

export const label = (build: ServedVersion) => `${build.version} (${build.backend})`;

/** Where a plugin's rollout tells what it did: the event feed, the log and the metrics. */
export class RolloutReport {
  readonly #name: string;
  readonly #deps: RolloutDeps;

  constructor(name: string, deps: RolloutDeps) {
    this.#name = name;
    this.#deps = deps;
  }

  note(
    type: FeedEvent['type'],
    message: string,
    to?: string,
    from?: string,
    trigger?: 'automatic' | 'manual',
  ): void {
    const time = this.#deps.now();
    this.#deps.feed.push({ type, plugin: this.#name, time, message, to, from, trigger });
  }

  loaded(active: ServedVersion): void {
    this.note('loaded', `loaded ${label(active)}`, label(active));
    this.#deps.log.info({ plugin: this.#name, ...active }, 'plugin loaded');
  }

  swapped(old: ServedVersion, active: ServedVersion): void {
    this.#deps.metrics.swaps.inc({ plugin: this.#name });
    this.note('swapped', `swapped ${label(old)} → ${label(active)}`, label(active), label(old));
    this.#deps.log.info(
      { plugin: this.#name, from: old.version, to: active.version, sha256: active.sha256 },
      'plugin swapped',
    );
  }

  rolledBack(request: RollbackRequest, from: ServedVersion, to: ServedVersion): void {
    this.#deps.metrics.rollbacks.inc({ plugin: this.#name, trigger: request.trigger });
    const [fromLabel, toLabel] = [label(from), label(to)];
    const message = `${request.trigger} rollback ${fromLabel} → ${toLabel}: ${request.reason}`;
    this.note('rolled-back', message, toLabel, fromLabel, request.trigger);
    const { trigger, reason } = request;
    this.#deps.log.warn(
      { plugin: this.#name, from: fromLabel, to: toLabel, trigger, reason },
      'rolled back',
    );
  }

  trafficSet(traffic: unknown): void {
    this.note('traffic-set', `traffic ${JSON.stringify(traffic)}`);
    this.#deps.log.info({ plugin: this.#name, traffic }, 'traffic set');
  }

  failed(error: unknown, what: string): void {
    this.#deps.log.error({ err: error, plugin: this.#name }, what);
  }
}
