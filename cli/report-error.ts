import { isPluginError } from '../runtime/index.js';
import { EXIT_FAILURE } from './command.js';

/** One error as the CLI reports it: a stable code, a message, and what else a script may need. */
export interface CliError {
  readonly code: string;
  readonly message: string;
  readonly pluginCode?: number;
  readonly usage?: string;
}

let errorFormat: 'text' | 'json' = 'text';

/** `--json` makes every error one JSON object on stderr, for scripts. */
export function useJsonErrors(json: boolean): void {
  errorFormat = json ? 'json' : 'text';
}

/** Writes one error to stderr: a line (and the usage) for people, or one JSON object for scripts. */
export function writeError(verb: string | undefined, error: CliError): void {
  if (errorFormat === 'json') {
    process.stderr.write(`${JSON.stringify({ error: { command: verb ?? null, ...error } })}\n`);
    return;
  }
  const pluginCode = error.pluginCode === undefined ? '' : ` (plugin code ${error.pluginCode})`;
  const usage = error.usage === undefined ? '' : `\nusage: ${error.usage}`;
  process.stderr.write(
    `twinplug${verb === undefined ? '' : ` ${verb}`}: ${error.code}${pluginCode}: ${error.message}${usage}\n`,
  );
}

/** Writes a plugin or load error with its code and returns `exitCode`; other errors are bugs. */
export function reportPluginError(verb: string, error: unknown, exitCode = EXIT_FAILURE): number {
  if (!isPluginError(error)) throw error;
  writeError(verb, {
    code: error.code,
    message: error.message,
    ...(error.pluginCode === undefined ? {} : { pluginCode: error.pluginCode }),
  });
  return exitCode;
}
