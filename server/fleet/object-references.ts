import { nameOf, PLUGIN_KEYS } from './control-keys.js';
import { CONTROL_BUCKET, type FleetConnection } from './fleet-connection.js';
import { withJetStreamRetry } from './jetstream-retry.js';

/** An object's name: the sha256 of its bytes, wherever a record holds one. */
const SHA256_ANYWHERE = /[0-9a-f]{64}/g;

/**
 * Adds every sha256 the text holds, wherever it sits: the active and previous build of each
 * backend, the canary, the last command's `sha256` and `from`, the withdrawn builds, and any
 * field a later version adds. Reading more than is needed only keeps more objects.
 */
export function addNamesIn(text: string, names: Set<string>): void {
  for (const [name] of text.matchAll(SHA256_ANYWHERE)) names.add(name);
}

/** What the control bucket names now: every object a plugin's key mentions, and the plugins. */
export interface NamedObjects {
  readonly names: ReadonlySet<string>;
  readonly plugins: ReadonlySet<string>;
}

const STREAM = `KV_${CONTROL_BUCKET}`;
const PREFIX = `$KV.${CONTROL_BUCKET}.`;

/**
 * Reads every plugin's key from the bucket itself (never a node's copy, which may be an old
 * snapshot), through the stream's leader: a KV get may be answered by a replica that has not
 * applied the last write yet (the bucket allows direct gets), and the keys must include every
 * write that landed before this read. A key that cannot be read throws, so nothing is decided
 * on part of the bucket.
 */
export async function readNamedObjects(connection: FleetConnection): Promise<NamedObjects> {
  const jsm = await connection.js.jetstreamManager(false);
  const info = await withJetStreamRetry(() =>
    jsm.streams.info(STREAM, { subjects_filter: PREFIX + PLUGIN_KEYS }),
  );
  const names = new Set<string>();
  const plugins = new Set<string>();
  for (const subject of Object.keys(info.state.subjects ?? {})) {
    const message = await withJetStreamRetry(() =>
      jsm.streams.getMessage(STREAM, { last_by_subj: subject }),
    );
    const operation = message?.header?.get('KV-Operation');
    if (message === null || operation === 'DEL' || operation === 'PURGE') continue;
    plugins.add(nameOf(subject.slice(PREFIX.length)));
    addNamesIn(new TextDecoder().decode(message.data), names);
  }
  return { names, plugins };
}
