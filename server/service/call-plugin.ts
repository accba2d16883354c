import { isPluginError, PluginError, type VersionSnapshot } from '../../runtime/index.js';
import { failing } from '../routing/canary.js';
import { COUNTS_AGAINST_CANARY } from '../routing/fault-codes.js';
import type { PluginRoute, RouteRequest } from '../routing/plugin-route.js';
import { rollbackPlugin } from './rollback.js';
import type { ServiceContext } from './service-context.js';

/** A call's output and the version that produced it. */
export interface CallResult {
  readonly output: Uint8Array;
  readonly version: VersionSnapshot | undefined;
}

function record(
  ctx: ServiceContext,
  route: PluginRoute,
  version: VersionSnapshot | undefined,
  seconds: number,
  error: unknown,
): void {
  if (version === undefined) return;
  const labels = {
    plugin: route.name,
    version: version.version ?? '',
    backend: version.backend ?? '',
  };
  const counts = route.countsFor(version.id);
  counts.calls += 1;
  let series = route.series.get(version.id);
  if (series === undefined) {
    const { calls, duration } = ctx.metrics;
    series = { calls: calls.labels(labels), duration: duration.labels(labels) };
    route.series.set(version.id, series);
  }
  series.calls.inc();
  series.duration.observe(seconds);
  const code = error === undefined ? undefined : isPluginError(error) ? error.code : undefined;
  const fault = code !== undefined && COUNTS_AGAINST_CANARY[code];
  if (error !== undefined) {
    counts.errors += 1;
    ctx.metrics.errors.inc({ ...labels, code: code ?? 'INTERNAL_ERROR' });
  }
  if (fault) counts.faults += 1;
  const canary = route.canary;
  if (canary === undefined || canary.id !== version.id) return;
  const now = ctx.now();
  canary.window.record(fault, now);
  if (!fault) return;
  const verdict = failing(canary, ctx.config.canary, now);
  if (verdict?.action !== 'rollback') return;
  const reason = `${verdict.faults} faults in ${verdict.calls} calls over ${ctx.config.canary.windowMs} ms (threshold ${ctx.config.canary.errorRate})`;
  void rollbackPlugin(ctx, route.name, { trigger: 'automatic', reason }).catch((failure: unknown) =>
    ctx.log.error({ err: failure, plugin: route.name }, 'automatic rollback failed'),
  );
}

/** The twin build a backend-pinned request needs when the main registry has none of that backend. */
function pinnedTwin(ctx: ServiceContext, route: PluginRoute, name: string, request: RouteRequest) {
  if (request.backend === undefined || ctx.twins === undefined) return undefined;
  if (
    route.resolve({
      backend: request.backend,
      ...(request.version === undefined ? {} : { version: request.version }),
    }) !== undefined
  )
    return undefined;
  return ctx.twins.find(name, request.backend, request.version);
}

async function callTwin(
  ctx: ServiceContext,
  route: PluginRoute,
  name: string,
  input: Uint8Array,
  twin: VersionSnapshot,
) {
  const started = performance.now();
  try {
    const output = await ctx.twins!.registry.callVersion(name, input, { id: twin.id });
    record(ctx, route, twin, (performance.now() - started) / 1000, undefined);
    return { output, version: twin };
  } catch (error) {
    record(ctx, route, twin, (performance.now() - started) / 1000, error);
    throw error;
  }
}

/** Routes one call (pins, rules, weights, canary), runs it, and counts it against its version. */
export async function callPlugin(
  ctx: ServiceContext,
  route: PluginRoute | undefined,
  name: string,
  input: Uint8Array,
  request: RouteRequest,
): Promise<CallResult> {
  if (route === undefined) throw new PluginError('PLUGIN_NOT_FOUND', `no plugin named "${name}"`);
  const twin = pinnedTwin(ctx, route, name, request);
  if (twin !== undefined) return callTwin(ctx, route, name, input, twin);
  const target = route.choose(request);
  const started = performance.now();
  let version = route.resolve(target);
  try {
    let output: Uint8Array;
    try {
      output = await (target === undefined
        ? ctx.registry.call(name, input)
        : ctx.registry.callVersion(name, input, target));
    } catch (error) {
      // The version routed to was closed in between (removal, shutdown): the active one serves.
      const pinned = request.version !== undefined || request.backend !== undefined;
      if (target === undefined || pinned || !isPluginError(error, 'PLUGIN_NOT_FOUND')) throw error;
      version = route.active;
      output = await ctx.registry.call(name, input);
    }
    version ??= route.active;
    record(ctx, route, version, (performance.now() - started) / 1000, undefined);
    return { output, version };
  } catch (error) {
    record(ctx, route, version ?? route.active, (performance.now() - started) / 1000, error);
    throw error;
  }
}
