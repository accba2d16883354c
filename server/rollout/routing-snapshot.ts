import { PluginError, type ServedVersion, type VersionTarget } from '../../runtime/index.js';
import { type HeaderLookup, pickVersion } from '../routing/pick-version.js';
import type { Traffic } from '../routing/traffic.js';
import type { WithdrawnBuild } from './control-store.js';

/** What a request asks for: a version or backend pinned, and its headers for rules and stickiness. */
export interface RouteRequest {
  readonly version?: string | undefined;
  readonly backend?: 'wasm' | 'native' | undefined;
  readonly header: HeaderLookup;
}

/**
 * A plugin's routing as its Rollout last published it: immutable, replaced whole (one reference)
 * by each transition. The data path reads only this.
 */
export interface RoutingSnapshot {
  readonly name: string;
  /** Grows with every transition: what a caller saw, to detect a race (two rollbacks). */
  readonly revision: number;
  /** The build unpinned requests get when no rule or weight says otherwise. */
  readonly active: ServedVersion | undefined;
  /** The build kept loaded beside it, for a split, a canary and a rollback. */
  readonly previous: ServedVersion | undefined;
  /** Rules, stickiness, and the weights in force (the admin's, else a progressive canary's). */
  readonly policy: Traffic;
  /** Versions that rules and weights may pick: loaded and not withdrawn. */
  readonly servable: readonly string[];
  /** Keyed by sha256. */
  readonly withdrawn: ReadonlyMap<string, WithdrawnBuild>;
  readonly contentType: string | undefined;
  /** `{ id }` of `active`, made once, so a plain call allocates no target. */
  readonly activeTarget: VersionTarget | undefined;
}

function matches(build: ServedVersion | WithdrawnBuild | undefined, request: RouteRequest) {
  return (
    build !== undefined &&
    (request.version === undefined || build.version === request.version) &&
    (request.backend === undefined || build.backend === request.backend)
  );
}

function withdrawnError(snapshot: RoutingSnapshot, request: RouteRequest): PluginError {
  const wanted = [request.version, request.backend].filter((part) => part !== undefined);
  return new PluginError(
    'PLUGIN_VERSION_WITHDRAWN',
    `${snapshot.name} ${wanted.join(' ')} was withdrawn (rolled back or refused); it serves again once activated`,
    { details: { name: snapshot.name, version: request.version, backend: request.backend } },
  );
}

/** A pinned request: the loaded build it names, 410 for a withdrawn one, else the registry's say. */
function pinnedTarget(snapshot: RoutingSnapshot, request: RouteRequest): VersionTarget {
  const { active, previous, withdrawn } = snapshot;
  let named = false;
  for (const build of [active, previous]) {
    if (!matches(build, request)) continue;
    if (!withdrawn.has(build!.sha256)) return { id: build!.id };
    named = true;
  }
  if (named) throw withdrawnError(snapshot, request);
  for (const build of withdrawn.values())
    if (matches(build, request)) throw withdrawnError(snapshot, request);
  const target: { version?: string; backend?: 'wasm' | 'native' } = {};
  if (request.version !== undefined) target.version = request.version;
  if (request.backend !== undefined) target.backend = request.backend;
  return target;
}

/**
 * Which build serves a request: pinned ones where they ask (410 for a withdrawn build), then
 * header rules, then weights (sticky by a header's hash), else the active build. Undefined
 * leaves it to the registry (a lazy plugin not loaded yet).
 */
export function chooseTarget(
  snapshot: RoutingSnapshot,
  request: RouteRequest,
): VersionTarget | undefined {
  if (request.version !== undefined || request.backend !== undefined)
    return pinnedTarget(snapshot, request);
  const { policy } = snapshot;
  if (policy.weights === undefined && policy.rules === undefined) return snapshot.activeTarget;
  const picked = pickVersion(policy, snapshot.servable, request.header);
  if (picked === undefined) return snapshot.activeTarget;
  const { active, previous, withdrawn } = snapshot;
  const build = [active, previous].find(
    (candidate) => candidate?.version === picked && !withdrawn.has(candidate.sha256),
  );
  return build === undefined ? snapshot.activeTarget : { id: build.id };
}
