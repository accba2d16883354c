import {
  type CallOptions,
  isPluginError,
  PluginError,
  type PluginRegistry,
  type ServedCall,
  type ServedVersion,
  type VersionTarget,
} from '../../runtime/index.js';
import type { Rollout } from '../rollout/rollout.js';
import {
  chooseTarget,
  type RouteRequest,
  type RoutingSnapshot,
} from '../rollout/routing-snapshot.js';
import type { TwinSide } from './twins.js';

const NO_OPTIONS: CallOptions = Object.freeze({});

function options(signalOf: CallSignal | undefined, mayWait: boolean): CallOptions {
  const signal = signalOf?.(mayWait);
  return signal === undefined ? NO_OPTIONS : { signal };
}

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
 * The caller's AbortSignal (it ends with the client's connection), asked for only when the call
 * may wait for it: `mayWait` is false for a build known to run in-process, whose call runs to
 * its end on this thread before any disconnect can be seen (one AbortController per request
 * cost 5% of a small call's CPU in the server profile). Even then it returns the signal when
 * the client has already gone, so that the call is refused as before.
 */
export type CallSignal = (mayWait: boolean) => AbortSignal | undefined;

/** The build a target names when the routing snapshot knows it. */
function knownBuild(snapshot: RoutingSnapshot, target: VersionTarget | undefined) {
  if (target === undefined) return undefined;
  if (target === snapshot.activeTarget) return snapshot.active;
  if (target.id === undefined || target.version !== undefined || target.backend !== undefined)
    return undefined;
  return [snapshot.active, snapshot.previous].find((build) => build?.id === target.id);
}

/**
 * Routes one call by the rollout's routing snapshot (pins, rules, weights, canary), runs it,
 * and counts it against the version the registry says served it.
 */
export async function callPlugin(
  ctx: CallContext,
  rollout: Rollout | undefined,
  name: string,
  input: Uint8Array,
  request: RouteRequest,
  signalOf?: CallSignal,
): Promise<CallResult> {
  if (rollout === undefined) throw new PluginError('PLUGIN_NOT_FOUND', `no plugin named "${name}"`);
  const snapshot = rollout.snapshot;
  const target = chooseTarget(snapshot, request);
  const pinned = request.version !== undefined || request.backend !== undefined;
  let registry = ctx.registry;
  let routed = target;
  if (pinned && target?.id === undefined && request.backend !== undefined && ctx.twins) {
    // No build of the main side matches: the twin of that backend serves pinned requests.
    const twin = ctx.twins.find(name, request.backend, request.version);
    if (twin !== undefined) [registry, routed] = [ctx.twins.registry, { id: twin.id }];
  }
  const inProcess = routed === target && knownBuild(snapshot, target)?.isolation === 'in-process';
  const started = performance.now();
  let call: ServedCall = await registry.callServed(
    name,
    input,
    routed,
    options(signalOf, !inProcess),
  );
  if (
    !pinned &&
    routed !== undefined &&
    call.version === undefined &&
    isPluginError(call.error, 'PLUGIN_NOT_FOUND')
  )
    // The build routed to was closed in between (removal, shutdown): the active one serves.
    call = await registry.callServed(name, input, undefined, options(signalOf, true));
  rollout.record(call.version, (performance.now() - started) / 1000, call.error);
  if (call.output === undefined) throw call.error;
  const contentType = snapshot.contentType ?? 'application/octet-stream';
  return { output: call.output, version: call.version, contentType };
}
