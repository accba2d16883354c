import type { PluginHost } from '../../host/plugin-host.js';
import { dependencyDirOf, type LoadedArtifact } from '../../loaded-artifact.js';
import type { PluginCore } from '../../managed-plugin.js';
import { keysIn, pickDefined, type ResolvedLoadOptions } from '../../options.js';
import { IsolatedCore } from '../isolated-core.js';
import { childEnv } from '../plugin-env.js';
import { processSessions } from './start-child.js';

/** Leaves room beyond the output limit for a frame's error JSON. */
const FRAME_SLACK_BYTES = 1024 * 1024;

function writeToStderr(text: string): void {
  process.stderr.write(text);
}

/**
 * A plugin in child processes: each child (this Node binary running child-main.js) loads the
 * bytes the host read and checked, in-process, and answers frames on its fd 3.
 */
export async function openProcessCore(
  artifact: LoadedArtifact,
  options: ResolvedLoadOptions,
  host: PluginHost,
): Promise<PluginCore> {
  const dependencyDir = dependencyDirOf(artifact, options);
  const start = processSessions({
    settings: {
      ...pickDefined(options, keysIn('child')),
      ...(dependencyDir !== undefined && { dependencyDir }),
      fileName: artifact.fileName,
      sha256: artifact.identity.sha256,
      grants: options.grants,
    },
    artifact: artifact.bytes,
    host,
    label: artifact.fileName,
    onStderr: options.onStderr ?? writeToStderr,
    loadTimeoutMs: options.loadTimeoutMs,
    maxFrameBytes: options.maxOutputBytes + FRAME_SLACK_BYTES,
    env: childEnv(options.env),
  });
  return IsolatedCore.open(start, options.concurrency, options.loadTimeoutMs);
}
