import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { isValidPluginName, PluginError } from '../../runtime/index.js';
import { type Traffic, withoutWeights } from '../routing/traffic.js';
import { rollbackPlugin } from './rollback.js';
import { routeOf, type ServiceContext } from './service-context.js';

function notFound(name: string, what = ''): PluginError {
  return new PluginError('PLUGIN_NOT_FOUND', `no plugin named "${name}"${what}`, {
    details: { name },
  });
}

/** Sends all unpinned traffic to one loaded version (ending any split or canary), everywhere. */
export async function activateVersion(ctx: ServiceContext, name: string, version: string) {
  const route = routeOf(ctx, name);
  if (route === undefined) throw notFound(name);
  if (route.active?.version === version) {
    route.canary = undefined;
    route.traffic = withoutWeights(route.traffic);
    await ctx.store.update((state) => {
      state.plugins[name] = {
        ...state.plugins[name],
        traffic: withoutWeights(state.plugins[name]?.traffic),
      };
    });
  } else if (route.previous?.version === version) {
    await rollbackPlugin(ctx, name, { trigger: 'manual', reason: `version ${version} activated` });
  } else {
    throw new PluginError('PLUGIN_NOT_FOUND', `plugin "${name}" has no loaded version ${version}`, {
      details: { name, version },
    });
  }
  return routeOf(ctx, name)!;
}

/** Replaces a plugin's traffic policy, everywhere; a progressive canary stops stepping. */
export async function setTraffic(ctx: ServiceContext, name: string, traffic: Traffic) {
  const route = routeOf(ctx, name);
  if (route === undefined) throw notFound(name);
  route.traffic = traffic;
  if (traffic.weights !== undefined && route.canary !== undefined) route.canary.progressive = false;
  await ctx.store.update((state) => {
    state.plugins[name] = { ...state.plugins[name], traffic };
  });
  ctx.feed.push({
    type: 'traffic-set',
    plugin: name,
    time: ctx.now(),
    message: `traffic ${JSON.stringify(traffic)}`,
  });
  ctx.log.info({ plugin: name, traffic }, 'traffic set');
  return route;
}

/** Deletes the plugin's folder; every process's watcher unloads it. Resolves once unloaded here. */
export async function removePlugin(ctx: ServiceContext, name: string): Promise<void> {
  if (!isValidPluginName(name) || !ctx.registry.has(name)) throw notFound(name);
  const removed = ctx.registry.events.next('removed', (event) => event.name === name);
  await rm(join(ctx.config.plugins, name), { recursive: true, force: true });
  await ctx.store.update((state) => {
    delete state.plugins[name];
  });
  await removed;
}
