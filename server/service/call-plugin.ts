import {
  isPluginError,
  PluginError,
  type PluginRegistry,
  type ServedCall,
  type ServedVersion,
} from '../../runtime/index.js';
import type { Rollout } from '../rollout/rollout.js';
import { chooseTarget, type RouteRequest } from '../rollout/routing-snapshot.js';
import type { TwinSide } from './twins.js';

/** A call's output and the version that produced it. */
export interface CallResult {
  readonly output: Uint8Array;
  readonly version: ServedVersion | undefined;
  /** The media type of the output: plugin.json's contentType, else application/octet-stream. */
  readonly contentType: string;
}

/** What the data path needs: the registries. It reads routing from the rollout's snapshot only. */
export interface CallContext {
  readonly registry: PluginRegistry;
  readonly twins: TwinSide | undefined;
}

/**
 * Routes one call by the rollout's routing snapshot (pins, rules, weights, canary), runs it,
 * and counts it against the version the registry says served it. `signal` ends with the
 * client's connection.
 */
export async function callPlugin(
  ctx: CallContext,
  rollout: Rollout | undefined,
  name: string,
  input: Uint8Array,
  request: RouteRequest,
  signal?: AbortSignal,
): Promise<CallResult> {
  if (rollout === undefined) throw new PluginError('PLUGIN_NOT_FOUND', `no plugin named "${name}"`);
  const target = chooseTarget(rollout.snapshot, request);
  const pinned = request.version !== undefined || request.backend !== undefined;
  let registry = ctx.registry;
  let routed = target;
  if (pinned && target?.id === undefined && request.backend !== undefined && ctx.twins) {
    // No build of the main side matches: the twin of that backend serves pinned requests.
    const twin = ctx.twins.find(name, request.backend, request.version);
    if (twin !== undefined) [registry, routed] = [ctx.twins.registry, { id: twin.id }];
  }
  const options = signal === undefined ? {} : { signal };
  const started = performance.now();
  let call: ServedCall = await registry.callServed(name, input, routed, options);
  if (
    !pinned &&
    routed !== undefined &&
    call.version === undefined &&
    isPluginError(call.error, 'PLUGIN_NOT_FOUND')
  )
    // The build routed to was closed in between (removal, shutdown): the active one serves.
    call = await registry.callServed(name, input, undefined, options);
  rollout.record(call.version, (performance.now() - started) / 1000, call.error);
  if (call.output === undefined) throw call.error;
  const contentType = rollout.snapshot.contentType ?? 'application/octet-stream';
  return { output: call.output, version: call.version, contentType };
}
