import { isPluginError, PluginError } from '../../runtime/index.js';
import type { PluginRoute } from '../routing/plugin-route.js';
import type { RoutingCommand, RoutingState } from '../routing/routing-store.js';
import { withoutWeights } from '../routing/traffic.js';
import { artifactFile, restoreArchived } from './artifact-archive.js';
import { routeOf, type ServiceContext } from './service-context.js';

const MAX_REJECTED = 16;

export interface RollbackRequest {
  readonly trigger: 'automatic' | 'manual';
  readonly reason: string;
}

/**
 * Swaps the retained previous version back in, in this process: every unpinned request goes
 * to it from this moment (before the registry's queue has run), the canary is dropped and its
 * build remembered as rejected.
 */
async function rollbackHere(
  ctx: ServiceContext,
  route: PluginRoute,
  request: RollbackRequest,
): Promise<{ from: string; to: string; backend: 'wasm' | 'native' | undefined }> {
  const { active, previous } = route;
  if (active === undefined || previous === undefined) {
    throw new PluginError(
      'PLUGIN_ROLLBACK_UNAVAILABLE',
      `plugin "${route.name}" has no previous version retained`,
    );
  }
  route.forced = previous.id;
  route.canary = undefined;
  route.traffic = withoutWeights(route.traffic);
  route.rejected.add(active.sha256);
  route.rejected.delete(previous.sha256);
  try {
    await ctx.registry.rollback(route.name);
  } finally {
    route.forced = undefined;
    routeOf(ctx, route.name);
  }
  const from = `${active.version} (${active.backend})`;
  const to = `${previous.version} (${previous.backend})`;
  ctx.metrics.rollbacks.inc({ plugin: route.name, trigger: request.trigger });
  ctx.feed.push({
    type: 'rolled-back',
    plugin: route.name,
    time: ctx.now(),
    from,
    to,
    trigger: request.trigger,
    message: `${request.trigger} rollback ${from} → ${to}: ${request.reason}`,
  });
  ctx.log.warn(
    { plugin: route.name, from, to, trigger: request.trigger, reason: request.reason },
    'rolled back',
  );
  return { from: active.sha256, to: previous.sha256, backend: previous.backend };
}

/** Rolls back here and tells every other process through the routing file. */
export async function rollbackPlugin(
  ctx: ServiceContext,
  name: string,
  request: RollbackRequest,
): Promise<void> {
  const route = routeOf(ctx, name);
  if (route === undefined) throw new PluginError('PLUGIN_NOT_FOUND', `no plugin named "${name}"`);
  if (ctx.rollingBack.has(name)) return;
  ctx.rollingBack.add(name);
  try {
    const { from, to, backend } = await rollbackHere(ctx, route, request);
    await ctx.store.update((state) => {
      const stored = state.plugins[name] ?? {};
      state.plugins[name] = stored;
      const others = (stored.rejected ?? []).filter((sha) => sha !== from && sha !== to);
      stored.rejected = [...others, from].slice(-MAX_REJECTED);
      stored.traffic = withoutWeights(stored.traffic);
      stored.command = {
        generation: state.generation + 1,
        type: 'rollback',
        sha256: to,
        from,
        ...request,
      };
    });
    if (backend !== undefined) await restoreInFolder(ctx, name, backend, to);
  } finally {
    ctx.rollingBack.delete(name);
  }
  // A rejected build activated meanwhile (the watcher acting on an older write) goes again.
  rejectIfRolledBack(ctx, name);
}

/** Makes the rollback outlive a restart: the folder gets the build rolled back to, when archived. */
async function restoreInFolder(
  ctx: ServiceContext,
  name: string,
  backend: 'wasm' | 'native',
  sha256: string,
) {
  const file = artifactFile(name, backend);
  try {
    if (!(await restoreArchived(ctx.config.plugins, name, file, sha256)))
      ctx.log.warn(
        { plugin: name, sha256 },
        'rolled back in memory only: the folder still holds the build rolled back from (it was not uploaded through the admin API)',
      );
  } catch (error) {
    ctx.log.error(
      { err: error, plugin: name },
      'cannot restore the build rolled back to in the folder',
    );
  }
}

/** Carries out a command from another process, if this process does not serve its build yet. */
async function applyCommand(ctx: ServiceContext, route: PluginRoute, command: RoutingCommand) {
  if (route.active?.sha256 === command.sha256 || route.previous?.sha256 !== command.sha256) return;
  if (ctx.rollingBack.has(route.name)) return;
  ctx.rollingBack.add(route.name);
  try {
    await rollbackHere(ctx, route, command);
  } catch (error) {
    if (!isPluginError(error)) throw error;
  } finally {
    ctx.rollingBack.delete(route.name);
  }
}

/** Applies the shared routing state: traffic, rejected builds, and commands newer than `after`. */
export async function applyStoredState(
  ctx: ServiceContext,
  state: RoutingState,
  applied: Map<string, number>,
  initial: boolean,
): Promise<void> {
  for (const [name, stored] of Object.entries(state.plugins)) {
    const route = routeOf(ctx, name);
    if (route === undefined) continue;
    route.traffic = stored.traffic ?? {};
    if (stored.traffic?.weights !== undefined && route.canary !== undefined)
      route.canary.progressive = false;
    route.rejected = new Set(stored.rejected ?? []);
    route.refresh(ctx.registry.get(name)); // the default version depends on the rejected builds
    const command = stored.command;
    if (command === undefined || command.generation <= (applied.get(name) ?? -1)) continue;
    applied.set(name, command.generation);
    if (!initial) await applyCommand(ctx, route, command);
  }
}

/**
 * A build rolled back from came back (a late watcher event, another worker): roll it back
 * again. Runs on the next turn, once the registry has retired the version it replaced (so the
 * previous version is the one to go back to); requests meanwhile already avoid the rejected
 * build (see PluginRoute.serving).
 */
export function rejectIfRolledBack(ctx: ServiceContext, name: string): void {
  setImmediate(() => {
    if (ctx.rollingBack.has(name)) return; // that rollback checks again when it ends
    const route = routeOf(ctx, name);
    const active = route?.active;
    const previous = route?.previous;
    if (route === undefined || active === undefined || previous === undefined) return;
    if (!route.rejected.has(active.sha256) || route.rejected.has(previous.sha256)) return;
    void rollbackPlugin(ctx, name, {
      trigger: 'automatic',
      reason: `build ${active.sha256.slice(0, 12)} was rolled back before`,
    }).catch((error: unknown) => ctx.log.error({ err: error, plugin: name }, 'rollback failed'));
  });
}
