import type { EventFeed } from '../observability/event-feed.js';
import type { AuditLog } from './audit-log.js';

/**
 * Records what the server decides on its own: an automatic rollback (canary analysis), with no
 * key id. Each process records the rollback it carried out (the entry names its pid).
 * TODO(rollout): when `server/rollout/` lands, subscribe to its transitions instead of the feed.
 */
export function auditServerActions(feed: EventFeed, audit: AuditLog): () => void {
  return feed.subscribe((event) => {
    if (event.type !== 'rolled-back' || event.trigger !== 'automatic') return;
    void audit.record({
      keyId: null,
      action: 'rollback',
      plugin: event.plugin,
      result: 'ok',
      status: 200,
      traceId: null,
      details: { trigger: 'automatic', from: event.from, to: event.to, message: event.message },
    });
  });
}
