import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PluginError } from '../../errors.js';
import { readPeImports } from './pe-imports.js';

/** A DLL the plugin imports, found next to the plugin's own file. */
export interface Dependency {
  readonly fileName: string;
  readonly bytes: Uint8Array;
}

/** More than this many private DLLs is refused rather than copied on every load. */
const MAX_DEPENDENCIES = 64;

function listFolder(dir: string): Map<string, string> {
  const byLowerName = new Map<string, string>();
  try {
    for (const name of readdirSync(dir)) byLowerName.set(name.toLowerCase(), name);
  } catch {
    // An unreadable folder holds no dependencies we can copy; the loader reports what is missing.
  }
  return byLowerName;
}

function readDependency(dir: string, fileName: string): Uint8Array {
  try {
    const bytes = readFileSync(join(dir, fileName));
    return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new PluginError('PLUGIN_LOAD_FAILED', `cannot read dependency ${fileName}: ${code}`, {
      cause: error,
      details: { dependency: join(dir, fileName), errno: code },
    });
  }
}

/**
 * The DLLs a PE plugin imports, directly or through each other, that sit in `dir` (the plugin's
 * own folder), leaves first: the order to load them in so that each finds its own imports
 * already loaded. Imports not in `dir` (kernel32.dll, msvcrt.dll, anything on the system search
 * path) are left to the Windows loader. Names compare case-insensitively, as Windows does.
 *
 * @example
 * collectDependencies(pluginBytes, 'uses-helper.dll', 'C:\\plugins\\uses-helper')
 * // [{ fileName: 'helper.dll', bytes }]
 */
export function collectDependencies(
  bytes: Uint8Array,
  fileName: string,
  dir: string,
): Dependency[] {
  const folder = listFolder(dir);
  const visited = new Set<string>([fileName.toLowerCase()]);
  const ordered: Dependency[] = [];
  const visit = (imports: readonly string[]): void => {
    for (const name of imports) {
      const found = folder.get(name.toLowerCase());
      if (found === undefined || visited.has(found.toLowerCase())) continue;
      visited.add(found.toLowerCase());
      if (visited.size > MAX_DEPENDENCIES + 1) {
        throw new PluginError(
          'PLUGIN_LOAD_FAILED',
          `more than ${MAX_DEPENDENCIES} DLLs to copy beside ${fileName}`,
          { details: { dir } },
        );
      }
      const dependency = readDependency(dir, found);
      visit(readPeImports(dependency));
      ordered.push({ fileName: found, bytes: dependency });
    }
  };
  visit(readPeImports(bytes));
  return ordered;
}
