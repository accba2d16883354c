import { judge } from '../routing/canary.js';
import { rollbackPlugin } from './rollback.js';
import type { ServiceContext } from './service-context.js';

/** Judges every canary once: rollbacks, progressive steps, promotions. */
export function judgeCanaries(ctx: ServiceContext): void {
  const now = ctx.now();
  for (const route of ctx.routes.values()) {
    const canary = route.canary;
    if (canary === undefined || ctx.rollingBack.has(route.name)) continue;
    const verdict = judge(canary, ctx.config.canary, now);
    if (verdict === undefined) continue;
    if (verdict.action === 'rollback') {
      const reason = `${verdict.faults} faults in ${verdict.calls} calls`;
      void rollbackPlugin(ctx, route.name, { trigger: 'automatic', reason }).catch(
        (error: unknown) => ctx.log.error({ err: error, plugin: route.name }, 'rollback failed'),
      );
    } else if (verdict.action === 'step') {
      canary.weight = verdict.weight;
      canary.lastStepAt = now;
      const message = `canary ${canary.version} at ${verdict.weight}%`;
      ctx.feed.push({
        type: 'canary-step',
        plugin: route.name,
        time: now,
        to: canary.version,
        message,
      });
      ctx.log.info(
        { plugin: route.name, version: canary.version, weight: verdict.weight },
        'canary step',
      );
    } else {
      route.canary = undefined;
      const message = `${canary.version} promoted`;
      ctx.feed.push({
        type: 'promoted',
        plugin: route.name,
        time: now,
        to: canary.version,
        message,
      });
      ctx.log.info({ plugin: route.name, version: canary.version }, 'canary promoted');
    }
  }
}

/** Runs {@link judgeCanaries} every `intervalMs` without keeping the process alive. */
export function startCanaryLoop(ctx: ServiceContext, intervalMs: number): () => void {
  const timer = setInterval(() => judgeCanaries(ctx), intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
