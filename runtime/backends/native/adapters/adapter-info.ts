import type { AdapterInfo } from '../../../adapter-options.js';
import { PluginError } from '../../../errors.js';
import type { PluginInfo } from '../../../plugin.js';
import { defaultPluginInfo, parsePluginInfo } from '../../../plugin-info.js';

/** PluginInfo declared in the adapter, checked as a library's own would be; else the file's. */
export function declaredInfo(info: AdapterInfo | undefined, fileName: string): PluginInfo {
  if (info === undefined) return defaultPluginInfo(fileName);
  return parsePluginInfo(JSON.stringify({ description: '', ...info, abi: 1 }));
}

/** The declared prototype could not be parsed: a manifest error naming the field. */
export function prototypeInvalid(field: string, message: string, cause?: unknown): PluginError {
  return new PluginError('PLUGIN_MANIFEST_INVALID', `"adapter.${field}": ${message}`, {
    cause,
    details: { field: `adapter.${field}` },
  });
}

export function exportMissing(name: string, cause?: unknown): PluginError {
  return new PluginError('PLUGIN_EXPORT_MISSING', `the library does not export ${name}`, {
    cause,
    details: { export: name },
  });
}
