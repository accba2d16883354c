import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { ConformanceError } from './errors.js';

/** Where suggested cases go when no --save-failures is given. */
export const DEFAULT_FAILURES_DIR = 'reports/conformance-failures';

function fileName(caseName: string): string {
  return `${caseName.replace(/[^A-Za-z0-9-]+/g, '-').replace(/^-|-$/g, '')}.cases.json`;
}

/**
 * Writes a suggested case as a cases file of its own (`--cases FILE` runs it as it is) and
 * returns its absolute path. The name carries the seed and the input's hash.
 */
export async function saveSuggestedCase(
  dir: string,
  plugin: string | undefined,
  entry: Record<string, unknown>,
): Promise<string> {
  const file = resolve(join(dir, fileName(String(entry.name))));
  const document = plugin === undefined ? { cases: [entry] } : { plugin, cases: [entry] };
  try {
    await mkdir(dir, { recursive: true });
    await writeFile(file, `${JSON.stringify(document, null, 2)}\n`);
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new ConformanceError('CONFORMANCE_REPORT_UNWRITABLE', `cannot write ${file}: ${reason}`, {
      cause: error,
    });
  }
  return file;
}
