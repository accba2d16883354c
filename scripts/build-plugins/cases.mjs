// Copies each sample's cases.json, the data files its cases point at, and its plugin.json (its
// capability grants, when it has one) next to its artifacts.
import { existsSync } from 'node:fs';
import { copyFile, readFile } from 'node:fs/promises';
import path from 'node:path';
import { SAMPLE_DIRS } from './catalog.mjs';
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

/**
 * Copies for the samples named in `built` (a folder without an artifact would only puzzle the
 * server). Returns the failures (a cases file or plugin.json that is not JSON, or a referenced
 * file that is missing).
 */
export async function copyCases(outRoot, built) {
  const failures = [];
  for (const { name, dir } of SAMPLE_DIRS.filter((sample) => built.has(sample.name))) {
    const from = `${dir}/cases.json`;
    const to = `${outRoot}/plugins/${name}/cases.json`;
    try {
      const files = referencedFiles(JSON.parse(await readFile(abs(from), 'utf8')));
      const manifest = `${dir}/plugin.json`;
      if (existsSync(abs(manifest))) {
        JSON.parse(await readFile(abs(manifest), 'utf8'));
        files.add('plugin.json');
      }
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
