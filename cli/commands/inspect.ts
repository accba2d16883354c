import { readFile } from 'node:fs/promises';
import {
  describeNativeFile,
  inspectArtifact,
  isPluginError,
  type NativeFileReport,
  sha256Hex,
  suggestAdapter,
} from '../../runtime/index.js';
import { type Command, EXIT_FAILURE, EXIT_OK, UsageError } from '../command.js';
import { parseCommandLine } from '../parse.js';
import { reportPluginError } from '../report-error.js';

const print = (value: unknown) => process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);

/** The symbols of a native library; undefined for a Wasm module. */
function nativeFile(bytes: Uint8Array): NativeFileReport | undefined {
  try {
    return describeNativeFile(bytes);
  } catch (error) {
    if (isPluginError(error, 'PLUGIN_FORMAT_INVALID')) return undefined;
    throw error;
  }
}

async function readInput(path: string, what: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (error) {
    throw new UsageError(`cannot read ${what} ${path}: ${(error as NodeJS.ErrnoException).code}`);
  }
}

/** Prints a starting plugin.json (stdout) and what to check (stderr). */
function suggest(file: NativeFileReport, header: string | undefined): number {
  const suggestion = suggestAdapter(file.symbols, header);
  if (suggestion === undefined) {
    const hint = header === undefined ? "; give the library's header with --header FILE" : '';
    process.stderr.write(
      `twinplug inspect: no IModule factory and no prototype of a known convention among ${file.symbols.join(', ') || 'no exports'}${hint}\n`,
    );
    return EXIT_FAILURE;
  }
  print({ adapter: suggestion.adapter });
  for (const note of suggestion.notes) process.stderr.write(`note: ${note}\n`);
  return EXIT_OK;
}

async function run(args: readonly string[]): Promise<number> {
  const { values, positionals } = parseCommandLine(args, {
    'suggest-adapter': { type: 'boolean' },
    header: { type: 'string' },
  });
  if (positionals.length !== 1) throw new UsageError('give exactly one artifact');
  if (values.header !== undefined && values['suggest-adapter'] !== true)
    throw new UsageError('--header goes with --suggest-adapter');
  const path = positionals[0]!;
  const bytes = await readInput(path, 'artifact');
  const file = nativeFile(bytes);
  if (values['suggest-adapter'] === true) {
    if (file === undefined) throw new UsageError('--suggest-adapter reads a native library');
    const header =
      values.header === undefined ? undefined : String(await readInput(values.header, 'header'));
    return suggest(file, header);
  }
  try {
    const report = await inspectArtifact(path);
    // null rather than absent: the three identities (sha256, info.version, fileVersion) always show.
    print({
      ...report,
      fileVersion: report.fileVersion ?? null,
      ...(file && { symbols: file.symbols }),
    });
    return EXIT_OK;
  } catch (error) {
    const legacy =
      isPluginError(error, 'PLUGIN_EXPORT_MISSING') ||
      isPluginError(error, 'PLUGIN_PLATFORM_MISMATCH');
    if (file === undefined || !legacy) return reportPluginError('inspect', error);
    // Not a plugin as it is (a legacy library, or one for another platform): its symbols still show.
    print({
      path,
      backend: 'native',
      ...file,
      sha256: sha256Hex(bytes),
      size: bytes.length,
      plugin: null,
      reason: { code: error.code, message: error.message },
    });
    return EXIT_OK;
  }
}

export const inspectCommand: Command = {
  name: 'inspect',
  usage: 'twinplug inspect <artifact> [--suggest-adapter [--header FILE]]',
  summary:
    "Prints JSON about an artifact: backend, format, abi, PluginInfo, exports, a native library's exported symbols, sha256, size, a Windows DLL's fileVersion. --suggest-adapter prints a starting plugin.json for a legacy library (docs/legacy-dlls.md).",
  run,
};
