import {
  isPluginError,
  type PluginRegistry,
  type RegisterResult,
  type VersionSnapshot,
} from '../../runtime/index.js';
import { ServerError } from '../errors/server-error.js';
import type { WithdrawnBuild } from './control-store.js';
import type { RolloutDeps } from './rollout-deps.js';
import { stagedSource, stageUpload } from './staging.js';

export interface UploadRequest {
  readonly name: string;
  readonly backend: 'wasm' | 'native';
  readonly bytes: Uint8Array;
  readonly sha256: string;
}

export interface UploadResult {
  /** `twin-activated`: the other backend serves unpinned traffic; the upload serves pinned requests. */
  readonly outcome: 'activated' | 'twin-activated' | 'unchanged';
  readonly version: VersionSnapshot;
}

/** The registry an upload of `backend` serves from: the main one, or the twins' one. */
function servingRegistry(deps: RolloutDeps, name: string, backend: string, preferred: string) {
  const serving = deps.registry.get(name)?.active?.backend;
  if (serving === undefined || serving === backend || backend === preferred)
    return { registry: deps.registry, twin: false };
  if (deps.twins !== undefined) return { registry: deps.twins, twin: true };
  throw new ServerError(
    'UPLOAD_NOT_SERVED',
    `${name} prefers and serves its ${serving} build; a ${backend} build serves only as a twin, and twins are off`,
  );
}

/** Registers with a deadline; past it, validation is stopped (and has ended) before the answer. */
async function registerWithin(
  registry: PluginRegistry,
  name: string,
  source: Parameters<PluginRegistry['register']>[1],
  timeoutMs: number,
): Promise<RegisterResult> {
  const controller = new AbortController();
  // A self-test call never outlives the window by more than the window itself.
  const control = { signal: controller.signal, selfTestTimeoutMs: timeoutMs };
  const running = registry.register(name, source, control);
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), timeoutMs);
  });
  try {
    const result = await Promise.race([running, late]);
    if (result !== undefined) return result;
  } finally {
    clearTimeout(timer);
  }
  controller.abort();
  await running.catch(() => {});
  throw new ServerError(
    'UPLOAD_TIMEOUT',
    `validating the upload took longer than ${timeoutMs} ms; it was stopped and nothing changed`,
  );
}

/**
 * An upload, checked before anything changes: the build is written to a private staging
 * folder, loaded, validated and self-tested there by the registry that will serve it (which
 * swaps it in only once it passed), and only then written to the store (the plugins folder,
 * archiving the build it replaces). A refused upload leaves the store as it was; a refused
 * build that got as far as naming its version is reported through `refused`. `write` false:
 * a build the store already names (a fleet node following it), loaded the same way, not
 * written back.
 */
export async function uploadStaged(
  deps: RolloutDeps,
  request: UploadRequest,
  refused: (build: WithdrawnBuild) => void,
  write = true,
): Promise<UploadResult> {
  const { name, backend, bytes } = request;
  if (write) await deps.store.checkReplaceable(name, backend);
  const stage = await stageUpload(name, backend, bytes);
  const early = write ? deps.store.beginArtifact?.(name, backend, bytes) : undefined;
  let stored = false;
  try {
    const { source, preferred } = await stagedSource(
      deps.config.plugins,
      name,
      backend,
      stage.path,
      deps.config.prefer,
    );
    const { registry, twin } = servingRegistry(deps, name, backend, preferred);
    let candidate: VersionSnapshot | undefined;
    const off = registry.events.on('failed', (event) => {
      if (event.name === name && event.path === stage.path) candidate = event.version;
    });
    let result: RegisterResult;
    try {
      result = await registerWithin(registry, name, source, deps.config.uploadTimeoutMs);
    } catch (error) {
      if (candidate?.version !== undefined && isPluginError(error))
        refused({ ...candidate, reason: `upload refused: ${error.code}` });
      throw error;
    } finally {
      off();
    }
    const version = result.version!;
    if (result.outcome === 'unchanged') return { outcome: 'unchanged', version };
    if (write) {
      const about = { version: version.version, ...(result.info && { info: result.info }) };
      await deps.store.putArtifact(name, backend, bytes, about);
    }
    stored = true;
    return { outcome: twin ? 'twin-activated' : 'activated', version };
  } finally {
    await Promise.all([stage.cleanup(), stored ? undefined : early?.discard()]);
  }
}
