import type { RegistryEvent } from '../../runtime/index.js';
import type { EventFeed } from '../observability/event-feed.js';
import type { Logger } from '../observability/logger.js';
import type { ServerMetrics } from '../observability/server-metrics.js';
import type { Rollouts } from './rollouts.js';

export interface RegistryEventContext {
  readonly rollouts: Rollouts;
  readonly feed: EventFeed;
  readonly metrics: ServerMetrics;
  readonly log: Logger;
}

function onFailed(ctx: RegistryEventContext, event: Extract<RegistryEvent, { type: 'failed' }>) {
  ctx.metrics.loadFailures.inc({ plugin: event.name, stage: event.stage, code: event.error.code });
  ctx.feed.push({
    type: 'load-failed',
    plugin: event.name,
    time: event.time,
    message: `${event.stage} failed: ${event.error.code}: ${event.error.message}`,
  });
  ctx.log.warn(
    {
      plugin: event.name,
      path: event.path,
      stage: event.stage,
      code: event.error.code,
      err: event.error.message,
    },
    'candidate refused',
  );
}

const label = (version: { version: string | undefined; backend: string | undefined }) =>
  `${version.version} (${version.backend})`;

function onBudgetUnload(
  ctx: RegistryEventContext,
  event: Extract<RegistryEvent, { type: 'unloaded' }>,
) {
  ctx.metrics.budgetUnloads.inc({ plugin: event.name });
  const mib = (event.memoryBytes / 1024 / 1024).toFixed(1);
  const message = `${label(event.version)} unloaded (${mib} MiB) to stay under the memory budget; the next call loads it again`;
  ctx.feed.push({ type: 'unloaded', plugin: event.name, time: event.time, message });
  ctx.log.info(
    { plugin: event.name, version: event.version.version, memoryBytes: event.memoryBytes },
    'unloaded for the memory budget',
  );
}

/**
 * Reports the registry's failures and removals, and tells a plugin's rollout when the registry
 * changed what it serves (the rollout takes it in, in turn with its own transitions).
 */
export function onRegistryEvent(ctx: RegistryEventContext, event: RegistryEvent): void {
  switch (event.type) {
    case 'activated':
    case 'rolled-back':
      void ctx.rollouts.for(event.name).sync();
      return;
    case 'failed':
      onFailed(ctx, event);
      return;
    case 'unloaded':
      if (event.reason === 'budget') onBudgetUnload(ctx, event);
      return;
    case 'removed':
      ctx.rollouts.delete(event.name);
      ctx.feed.push({ type: 'removed', plugin: event.name, time: event.time, message: 'removed' });
      ctx.log.info({ plugin: event.name }, 'plugin removed');
      return;
    default:
  }
}
