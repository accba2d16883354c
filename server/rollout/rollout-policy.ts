import type { ServedVersion, VersionTarget } from '../../runtime/index.js';
import type { CanaryState } from '../routing/canary.js';
import type { Traffic } from '../routing/traffic.js';
import type { WithdrawnBuild } from './control-store.js';
import type { RoutingSnapshot } from './routing-snapshot.js';

/** What a Rollout holds, as the snapshot is made from it. */
export interface RolloutFacts {
  readonly name: string;
  readonly revision: number;
  readonly active: ServedVersion | undefined;
  readonly previous: ServedVersion | undefined;
  readonly canary: CanaryState | undefined;
  readonly traffic: Traffic;
  readonly withdrawn: ReadonlyMap<string, WithdrawnBuild>;
  readonly contentType: string | undefined;
  /** A failing canary's id, out of service from the verdict on, until its rollback is done. */
  readonly quarantined: number | undefined;
}

/** The weights in force: the admin's, else a progressive canary's split with the previous build. */
export function effectiveWeights(
  facts: RolloutFacts,
): Readonly<Record<string, number>> | undefined {
  const { traffic, canary, previous } = facts;
  if (traffic.weights !== undefined) return traffic.weights;
  if (canary === undefined || previous?.version === undefined || canary.weight >= 100)
    return undefined;
  if (canary.version === previous.version) return undefined;
  const weights: Record<string, number> = Object.create(null);
  weights[canary.version] = canary.weight;
  weights[previous.version] = 100 - canary.weight;
  return weights;
}

/** The immutable routing snapshot of these facts. */
export function makeSnapshot(facts: RolloutFacts): RoutingSnapshot {
  const { withdrawn, traffic } = facts;
  const held = facts.quarantined !== undefined && facts.active?.id === facts.quarantined;
  const [active, previous] =
    held && facts.previous !== undefined
      ? [facts.previous, facts.active]
      : [facts.active, facts.previous];
  const weights = effectiveWeights(held ? { ...facts, canary: undefined } : facts);
  const policy: Traffic =
    weights === undefined
      ? withoutWeights(traffic)
      : weights === traffic.weights
        ? traffic
        : { ...traffic, weights };
  const servable: string[] = [];
  for (const build of [active, previous])
    if (
      build?.version !== undefined &&
      !withdrawn.has(build.sha256) &&
      build.id !== facts.quarantined
    )
      servable.push(build.version);
  const activeTarget: VersionTarget | undefined =
    active === undefined ? undefined : Object.freeze({ id: active.id });
  return Object.freeze({
    name: facts.name,
    revision: facts.revision,
    active,
    previous,
    policy,
    servable,
    withdrawn: new Map(withdrawn),
    contentType: facts.contentType,
    activeTarget,
  });
}

/** The same policy without weights: all unpinned traffic to the active build, rules kept. */
export function withoutWeights(traffic: Traffic | undefined): Traffic {
  const { weights: _dropped, ...rest } = traffic ?? {};
  return rest;
}

/** The policy without rules and weights that send traffic to `version` (a withdrawn build's). */
export function withoutVersion(traffic: Traffic, version: string | undefined): Traffic {
  if (version === undefined) return traffic;
  const { weights, rules, ...rest } = traffic;
  const kept: { -readonly [K in keyof Traffic]: Traffic[K] } = { ...rest };
  const keptRules = rules?.filter((rule) => rule.version !== version);
  if (keptRules !== undefined && keptRules.length > 0) kept.rules = keptRules;
  if (weights !== undefined) {
    const keptWeights: Record<string, number> = Object.create(null);
    for (const [key, weight] of Object.entries(weights))
      if (key !== version) keptWeights[key] = weight;
    if (Object.values(keptWeights).some((weight) => weight > 0)) kept.weights = keptWeights;
  }
  return kept;
}

/** A version that traffic names, no servable build has, and a withdrawn build has. */
export function namesWithdrawn(
  traffic: Traffic,
  servable: readonly string[],
  withdrawn: ReadonlyMap<string, WithdrawnBuild>,
): string | undefined {
  const named = [
    ...Object.keys(traffic.weights ?? {}),
    ...(traffic.rules ?? []).map((r) => r.version),
  ];
  const gone = new Set([...withdrawn.values()].map((build) => build.version));
  return named.find((version) => !servable.includes(version) && gone.has(version));
}
