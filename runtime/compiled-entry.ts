import { existsSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PluginError } from './errors.js';

const HERE = fileURLToPath(import.meta.url);

function packageRoot(from: string): string {
  let dir = dirname(from);
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) return dirname(from);
    dir = parent;
  }
  return dir;
}

/**
 * The compiled JavaScript of a worker or child entry, named from the runtime's folder
 * (`isolation/worker/worker-main.js`, say), which must run without a TypeScript loader. From
 * dist/ (the package as installed, `npm run bench`) it is found from this module's own folder.
 * When this module runs from its TypeScript source (vitest), it is the same path under
 * `<package root>/dist/`, which `npm run build` writes: `npm test` builds before it runs the
 * tests, so the entry is never older than the sources under test.
 */
export function compiledEntry(relativePath: string): string {
  const fromDist = HERE.endsWith('.js');
  const root = packageRoot(HERE);
  const path = fromDist
    ? join(dirname(HERE), relativePath)
    : join(root, 'dist', relative(root, dirname(HERE)), relativePath);
  if (!existsSync(path)) {
    throw new PluginError(
      'PLUGIN_LOAD_FAILED',
      `the worker or child entry ${path} is missing: run \`npm run build\``,
      { details: { path } },
    );
  }
  return path;
}
