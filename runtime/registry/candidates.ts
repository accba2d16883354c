import { readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { isPluginError, PluginError, toPluginError } from '../errors.js';
import { artifactSha256 } from '../loaded-artifact.js';
import type { LoadPluginOptions } from '../options.js';
import type { Plugin } from '../plugin.js';
import type { FailedStage, SlotEvent } from './events.js';
import { type ArtifactChoice, loadFileName, type ResolvedSource } from './plugin-source.js';
import { PluginVersion } from './plugin-version.js';
import type { Rejections } from './rejections.js';
import { runSelfTest } from './self-test.js';
import { checkCandidate, type Peers } from './validate.js';

/** What a slot lends the candidate pipeline. */
export interface CandidateContext {
  readonly name: string;
  readonly loadPlugin: (options: LoadPluginOptions) => Promise<Plugin>;
  readonly readFileVersion: (path: string) => Promise<string | undefined>;
  readonly emit: (event: SlotEvent) => void;
  readonly peers: Peers;
  readonly rejections: Rejections;
  /** Makes a version visible in the slot's snapshot while it loads and validates. */
  readonly track: (version: PluginVersion, tracked: boolean) => void;
}

export type Picked =
  | { readonly kind: 'unchanged'; readonly version: PluginVersion }
  | {
      readonly kind: 'ready';
      readonly version: PluginVersion;
      /** Set when a more preferred artifact could not serve. */
      readonly fallback: { readonly preferred: string; readonly reason: PluginError } | undefined;
    };

type Attempt = Picked | { readonly kind: 'failed'; readonly error: PluginError };

async function readArtifact(path: string): Promise<Uint8Array> {
  try {
    const bytes = await readFile(path);
    return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new PluginError('PLUGIN_LOAD_FAILED', `cannot read ${path}: ${code ?? String(error)}`, {
      cause: error,
      details: { path, errno: code },
    });
  }
}

function fail(
  ctx: CandidateContext,
  path: string,
  stage: FailedStage,
  error: PluginError,
  version?: PluginVersion,
): Attempt {
  if (version !== undefined) {
    version.state = 'failed';
    ctx.track(version, false);
  }
  ctx.emit({ type: 'failed', path, stage, error, version: version?.snapshot() });
  return { kind: 'failed', error };
}

/** What the caller of one registration controls: stopping it, and its self-test's call time. */
export interface RegisterOptions {
  /** Stops the validation (the instance under self-test is closed) and rejects. */
  readonly signal?: AbortSignal;
  /** Caps each self-test call's timeout (the instances under test only, not the candidate's limits). */
  readonly selfTestTimeoutMs?: number;
}

/** The error a registration stopped by its caller's signal ends with. */
export function cancelled(signal: AbortSignal): PluginError {
  return new PluginError('PLUGIN_SELF_TEST_FAILED', 'validation stopped: its caller gave up', {
    cause: signal.reason,
  });
}

/** Checks, then self-tests, a loaded candidate; closes it when it fails (or is stopped). */
async function validate(
  ctx: CandidateContext,
  source: ResolvedSource,
  version: PluginVersion,
  plugin: Plugin,
  load: LoadPluginOptions,
  control: RegisterOptions,
): Promise<{ stage: FailedStage; error: PluginError } | undefined> {
  const { signal, selfTestTimeoutMs: cap } = control;
  const testLoad =
    cap === undefined ? load : { ...load, timeoutMs: Math.min(load.timeoutMs ?? cap, cap) };
  let stage: FailedStage = 'validate';
  try {
    checkCandidate(ctx.name, plugin, version.source.sha256, ctx.peers, source.force);
    stage = 'self-test';
    if (source.cases !== undefined)
      await runSelfTest(ctx.name, source.cases, testLoad, ctx.loadPlugin, signal);
    signal?.throwIfAborted();
    return undefined;
  } catch (error) {
    await version.close();
    if (signal?.aborted) return { stage, error: cancelled(signal) };
    return { stage, error: toPluginError(error, 'PLUGIN_SELF_TEST_FAILED', 'self-test failed') };
  }
}

interface Identified {
  readonly kind: 'identified';
  readonly bytes: Uint8Array;
  readonly sha256: string;
  readonly loadKey: string;
  readonly rejectKey: string;
}

/** Reads and hashes one artifact; stops early when it is the active one or a known refusal. */
async function identify(
  ctx: CandidateContext,
  source: ResolvedSource,
  artifact: ArtifactChoice,
): Promise<Attempt | Identified> {
  let bytes: Uint8Array;
  try {
    bytes = await readArtifact(artifact.path);
  } catch (error) {
    return fail(ctx, artifact.path, 'read', error as PluginError);
  }
  const sha256 = await artifactSha256(bytes);
  const loadKey = `${sha256}/${source.optionsKey}`;
  const active = ctx.peers.active;
  if (active?.source.loadKey === loadKey) return { kind: 'unchanged', version: active };
  const rejectKey = `${loadKey}/${source.force}`;
  const known = ctx.rejections.get(rejectKey);
  if (known !== undefined) return { kind: 'failed', error: known };
  if (artifact.sha256 !== undefined && artifact.sha256 !== sha256) {
    const error = new PluginError(
      'PLUGIN_HASH_MISMATCH',
      `${artifact.path} has sha256 ${sha256}, expected ${artifact.sha256}`,
      { details: { path: artifact.path, expected: artifact.sha256, actual: sha256 } },
    );
    return fail(ctx, artifact.path, 'read', error);
  }
  return { kind: 'identified', bytes, sha256, loadKey, rejectKey };
}

/** A load failure: a library for another platform is skipped (reported once), the rest failed. */
function loadFailed(
  ctx: CandidateContext,
  version: PluginVersion,
  rejectKey: string,
  error: unknown,
): Attempt {
  const { path } = version.source;
  const failure = toPluginError(error, 'PLUGIN_LOAD_FAILED', `cannot load ${path}`);
  const foreign = isPluginError(failure, 'PLUGIN_PLATFORM_MISMATCH');
  ctx.rejections.remember(rejectKey, failure, foreign);
  if (!foreign) return fail(ctx, path, 'load', failure, version);
  version.state = 'failed';
  ctx.track(version, false);
  ctx.emit({ type: 'skipped', path, reason: failure.message, error: failure });
  return { kind: 'failed', error: failure };
}

/** Reads, loads beside the active version, and validates one artifact. */
async function tryArtifact(
  ctx: CandidateContext,
  source: ResolvedSource,
  artifact: ArtifactChoice,
  control: RegisterOptions,
): Promise<Attempt> {
  const identified = await identify(ctx, source, artifact);
  if (identified.kind !== 'identified') return identified;
  const { bytes, sha256, loadKey, rejectKey } = identified;
  // The registry loads the bytes it hashed, so a DLL's own dependencies are named by folder.
  const load: LoadPluginOptions = {
    dependencyDir: dirname(artifact.path),
    ...source.load,
    bytes,
    fileName: loadFileName(artifact.path),
  };
  const version = new PluginVersion(
    { name: ctx.name, path: artifact.path, sha256, loadKey, load: () => ctx.loadPlugin(load) },
    ctx.emit,
  );
  ctx.track(version, true);
  const started = performance.now();
  let plugin: Plugin;
  try {
    plugin = await version.source.load();
  } catch (error) {
    return loadFailed(ctx, version, rejectKey, error);
  }
  const fileVersion =
    plugin.artifact.format === 'pe' ? await ctx.readFileVersion(artifact.path) : undefined;
  version.attach(plugin, fileVersion);
  ctx.emit({
    type: 'loaded',
    version: version.snapshot(),
    durationMs: performance.now() - started,
  });
  const failure = await validate(ctx, source, version, plugin, load, control);
  if (failure === undefined) return { kind: 'ready', version, fallback: undefined };
  ctx.rejections.remember(rejectKey, failure.error, false);
  return fail(ctx, artifact.path, failure.stage, failure.error, version);
}

/**
 * Tries a source's artifacts in order of preference and returns the first that loads and
 * validates, or the active version when the preferred artifact that works is the one already
 * serving. Every failure is reported as it happens; if none serves, the first error is thrown
 * and the active version, untouched, keeps serving.
 */
export async function pickCandidate(
  ctx: CandidateContext,
  source: ResolvedSource,
  control: RegisterOptions = {},
): Promise<Picked> {
  let firstError: PluginError | undefined;
  for (const artifact of source.artifacts) {
    if (control.signal?.aborted) throw cancelled(control.signal);
    const attempt = await tryArtifact(ctx, source, artifact, control);
    if (attempt.kind === 'unchanged') return attempt;
    if (attempt.kind === 'ready') {
      const fallback =
        firstError === undefined
          ? undefined
          : { preferred: source.artifacts[0]!.path, reason: firstError };
      return { ...attempt, fallback };
    }
    firstError ??= attempt.error;
  }
  throw firstError!;
}
