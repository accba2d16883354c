import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseManifest, type RegistryEvent } from '../../runtime/index.js';
import { startCanary } from '../routing/canary.js';
import type { PluginRoute } from '../routing/plugin-route.js';
import { withoutWeights } from '../routing/traffic.js';
import { rejectIfRolledBack } from './rollback.js';
import { routeOf, type ServiceContext } from './service-context.js';

function label(version: { version: string | undefined; backend: string | undefined }): string {
  return `${version.version} (${version.backend})`;
}

/** Reads the output's media type from plugin.json (the folder has already validated it). */
export async function readContentType(ctx: ServiceContext, route: PluginRoute): Promise<void> {
  const path = join(ctx.config.plugins, route.name, 'plugin.json');
  try {
    route.contentType = parseManifest(await readFile(path, 'utf8'), route.name, path).contentType;
  } catch {
    route.contentType = undefined;
  }
}

function onBudgetUnload(ctx: ServiceContext, event: Extract<RegistryEvent, { type: 'unloaded' }>) {
  ctx.metrics.budgetUnloads.inc({ plugin: event.name });
  const mib = (event.memoryBytes / 1024 / 1024).toFixed(1);
  const message = `${label(event.version)} unloaded (${mib} MiB) to stay under the memory budget; the next call loads it again`;
  ctx.feed.push({ type: 'unloaded', plugin: event.name, time: event.time, message });
  ctx.log.info(
    { plugin: event.name, version: event.version.version, memoryBytes: event.memoryBytes },
    'unloaded for the memory budget',
  );
}

function onActivated(ctx: ServiceContext, event: Extract<RegistryEvent, { type: 'activated' }>) {
  const route = routeOf(ctx, event.name);
  if (route === undefined) return;
  void readContentType(ctx, route);
  const { version, previous } = event;
  if (previous === undefined) {
    ctx.feed.push({
      type: 'loaded',
      plugin: event.name,
      time: event.time,
      to: label(version),
      message: `loaded ${label(version)}`,
    });
    ctx.log.info(
      {
        plugin: event.name,
        version: version.version,
        backend: version.backend,
        sha256: version.sha256,
      },
      'plugin loaded',
    );
    return;
  }
  ctx.metrics.swaps.inc({ plugin: event.name });
  // The replaced version is retained (retention is infinite): it becomes the previous one just after
  // this event. A build rolled back before is no canary: it is rolled back again.
  const rejected = route.rejected.has(version.sha256);
  route.canary = rejected ? undefined : startCanary(version, ctx.config.canary, ctx.now());
  // A canary starts from the admin's rules and stickiness, not from weights set for older builds.
  route.traffic = withoutWeights(route.traffic);
  const message = `swapped ${label(previous)} → ${label(version)}`;
  ctx.feed.push({
    type: 'swapped',
    plugin: event.name,
    time: event.time,
    from: label(previous),
    to: label(version),
    message,
  });
  ctx.log.info(
    {
      plugin: event.name,
      from: previous.version,
      to: version.version,
      sha256: version.sha256,
      canaryWeight: route.canary?.weight,
    },
    'plugin swapped',
  );
  if (rejected) rejectIfRolledBack(ctx, event.name);
}

function onFailed(ctx: ServiceContext, event: Extract<RegistryEvent, { type: 'failed' }>) {
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

/** Keeps the routes, metrics, event feed and logs in step with the registry. */
export function onRegistryEvent(ctx: ServiceContext, event: RegistryEvent): void {
  switch (event.type) {
    case 'activated':
      onActivated(ctx, event);
      return;
    case 'failed':
      onFailed(ctx, event);
      return;
    case 'unloaded':
      if (event.reason === 'budget') onBudgetUnload(ctx, event);
      break;
    case 'removed':
      ctx.routes.delete(event.name);
      ctx.feed.push({ type: 'removed', plugin: event.name, time: event.time, message: 'removed' });
      ctx.log.info({ plugin: event.name }, 'plugin removed');
      return;
    default:
      routeOf(ctx, event.name);
  }
}
