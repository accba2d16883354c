import { createHash } from 'node:crypto';
import {
  deployArtifact,
  isValidPluginName,
  type PluginError,
  type RegistryEvent,
  type VersionSnapshot,
} from '../../runtime/index.js';
import { ServerError } from '../errors/server-error.js';
import { archiveBeforeReplace, artifactFile } from './artifact-archive.js';
import type { ServiceContext } from './service-context.js';

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

type Settled = { ok: VersionSnapshot; twin: boolean } | { error: PluginError };

/** Resolves with the registry's verdict on the build with this sha256, or undefined at the timeout. */
function verdictFor(ctx: ServiceContext, name: string, sha256: string, path: () => string) {
  return new Promise<Settled | undefined>((resolve) => {
    const finish = (settled: Settled | undefined) => {
      off();
      clearTimeout(timer);
      resolve(settled);
    };
    const listen = (twin: boolean) => (event: RegistryEvent) => {
      if (event.name !== name) return;
      // The twin side counts only for a backend the main side does not serve (a native upload beside a Wasm build).
      const mainBackend = ctx.registry.get(name)?.active?.backend;
      if (twin && event.type === 'activated' && event.version.backend === mainBackend) return;
      if (event.type === 'activated' && event.version.sha256 === sha256)
        finish({ ok: event.version, twin });
      if (event.type === 'failed' && (event.version?.sha256 === sha256 || event.path === path()))
        finish({ error: event.error });
    };
    const offs = [ctx.registry.events.onAny(listen(false))];
    if (ctx.twins !== undefined) offs.push(ctx.twins.registry.events.onAny(listen(true)));
    const off = () => {
      for (const unsubscribe of offs) unsubscribe();
    };
    const timer = setTimeout(() => finish(undefined), ctx.config.uploadTimeoutMs);
  });
}

/**
 * Writes an uploaded build into the watched folder (atomic rename) and waits for the registry
 * to activate or refuse it, so the folder, the watcher and the registry agree.
 */
export async function uploadVersion(
  ctx: ServiceContext,
  upload: UploadRequest,
): Promise<UploadResult> {
  const { name, backend, bytes, sha256 } = upload;
  if (!isValidPluginName(name))
    throw new ServerError('INVALID_PLUGIN_NAME', `"${name}" is not a valid plugin name`);
  if (backend === 'native' && !ctx.config.allowNativeUploads)
    throw new ServerError(
      'NATIVE_UPLOAD_DISABLED',
      'native uploads are off; set allowNativeUploads in the config',
    );
  const actual = createHash('sha256').update(bytes).digest('hex');
  if (actual !== sha256)
    throw new ServerError('SHA256_MISMATCH', `body has sha256 ${actual}, X-Sha256 says ${sha256}`);
  const active = ctx.registry.get(name)?.active;
  if (active?.sha256 === sha256) return { outcome: 'unchanged', version: active };
  let target = '';
  const verdict = verdictFor(ctx, name, sha256, () => target);
  await ctx.store.update((state) => {
    const stored = state.plugins[name];
    if (stored?.rejected !== undefined)
      stored.rejected = stored.rejected.filter((sha) => sha !== sha256);
  });
  ctx.routes.get(name)?.rejected.delete(sha256);
  const file = artifactFile(name, backend);
  await archiveBeforeReplace(ctx.config.plugins, name, file);
  target = await deployArtifact(ctx.config.plugins, name, file, bytes);
  const settled = await verdict;
  if (settled === undefined)
    throw new ServerError(
      'UPLOAD_TIMEOUT',
      `${target} was written but not activated within ${ctx.config.uploadTimeoutMs} ms (is a preferred twin serving?)`,
    );
  if ('error' in settled) throw settled.error;
  return { outcome: settled.twin ? 'twin-activated' : 'activated', version: settled.ok };
}
