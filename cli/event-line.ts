import type { FolderEvent, RegistryEvent, VersionSnapshot } from '../runtime/index.js';

function label(version: VersionSnapshot): string {
  const file = version.fileVersion === undefined ? '' : `, file ${version.fileVersion}`;
  return `${version.version ?? '?'} (${version.backend ?? '?'}, sha256 ${version.sha256.slice(0, 12)}${file})`;
}

function describeRegistryEvent(event: RegistryEvent): string {
  switch (event.type) {
    case 'loaded':
      return `${label(event.version)} from ${event.version.path} in ${event.durationMs.toFixed(1)} ms`;
    case 'activated':
      return event.previous === undefined
        ? label(event.version)
        : `${label(event.version)}, replacing ${label(event.previous)}`;
    case 'draining':
      return `${label(event.version)}, ${event.inFlight} call(s) in flight`;
    case 'standby':
      return `${label(event.version)}, kept ${event.retainedMs} ms for rollback`;
    case 'closed':
      return `${label(event.version)} (${event.reason}${event.abandoned > 0 ? `, ${event.abandoned} call(s) abandoned` : ''})`;
    case 'failed':
      return `${event.path} at ${event.stage}: ${event.error.code}: ${event.error.message}`;
    case 'skipped':
      return `${event.path}: ${event.reason}`;
    case 'fallback':
      return `${label(event.version)} serves; ${event.preferred} could not (${event.reason.code})`;
    case 'rolled-back':
      return `${label(event.from)} -> ${label(event.to)}`;
    case 'unloaded':
      return `${label(event.version)} after ${Math.round(event.idleMs)} ms idle`;
    case 'resumed':
      return `${label(event.version)} in ${event.durationMs.toFixed(1)} ms`;
    case 'removed':
      return '';
  }
}

function describeFolderEvent(event: FolderEvent): { name: string; text: string } {
  switch (event.type) {
    case 'ready':
      return { name: '', text: `${event.plugins.length} plugin(s): ${event.plugins.join(', ')}` };
    case 'failed':
      return {
        name: event.name,
        text: `${event.path}: ${event.error.code}: ${event.error.message}`,
      };
    case 'ignored':
      return { name: event.name, text: `${event.path}: ${event.reason}` };
    case 'error':
      return { name: '', text: event.error.message };
  }
}

/** One line per event: time, event, plugin, details. */
export function eventLine(
  event: RegistryEvent | FolderEvent,
  source: 'registry' | 'folder',
): string {
  const time = new Date(event.time).toISOString();
  const { name, text } =
    source === 'registry'
      ? { name: (event as RegistryEvent).name, text: describeRegistryEvent(event as RegistryEvent) }
      : describeFolderEvent(event as FolderEvent);
  const type = source === 'folder' && event.type !== 'ready' ? `folder-${event.type}` : event.type;
  return [time, type.padEnd(11), name, text].filter((part) => part !== '').join(' ');
}

/** The event as one JSON line (errors as their code, message and details). */
export function eventJson(
  event: RegistryEvent | FolderEvent,
  source: 'registry' | 'folder',
): string {
  return JSON.stringify({ source, ...event }, (_key, value: unknown) =>
    value instanceof Error && !('toJSON' in value)
      ? { name: value.name, message: value.message }
      : value,
  );
}
