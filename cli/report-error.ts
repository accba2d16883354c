import { isPluginError } from '../runtime/index.js';
import { EXIT_FAILURE } from './command.js';

/** Prints a plugin or load error as one line with its code; other errors are bugs and rethrown. */
export function reportPluginError(verb: string, error: unknown): number {
  if (!isPluginError(error)) throw error;
  const pluginCode = error.pluginCode === undefined ? '' : ` (plugin code ${error.pluginCode})`;
  process.stderr.write(`twinplug ${verb}: ${error.code}${pluginCode}: ${error.message}\n`);
  return EXIT_FAILURE;
}
