// Copies each sample's cases.json, and the data files its cases point at, next to its artifacts.
import { copyFile, readFile } from 'node:fs/promises';
import path from 'node:path';
import { SAMPLES } from './catalog.mjs';
import { abs, ensureDirFor } from './util.mjs';

/** Every { "file": ... } path in a cases document, relative to the cases file. */
export function referencedFiles(value, found = new Set()) {
  if (Array.isArray(value)) {
    for (const item of value) referencedFiles(item, found);
  } else if (value && typeof value === 'object') {
    if (typeof value.file === 'string') found.add(value.file);
    for (const item of Object.values(value)) referencedFiles(item, found);
  }
  return found;
}

/** Returns the failures (a cases file that is not JSON, or a referenced file that is missing). */
export async function copyCases(outRoot) {
  const failures = [];
  for (const name of SAMPLES) {
    const from = `plugins-dll/${name}/cases.json`;
    const to = `${outRoot}/plugins/${name}/cases.json`;
    try {
      const files = referencedFiles(JSON.parse(await readFile(abs(from), 'utf8')));
      for (const file of ['cases.json', ...files]) {
        const target = path.join(path.dirname(to), file);
        await ensureDirFor(target);
        await copyFile(abs(path.join(path.dirname(from), file)), abs(target));
      }
    } catch (error) {
      failures.push({ target: { name: `${name}/cases.json` }, error: `${from}: ${error.message}` });
    }
  }
  return failures;
}
