import { copyFileSync, cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const BUILD = resolve(import.meta.dirname, '../../build');

/** A built artifact: `fixture('wasm/versioned.wasm')`, `sample('upper/upper.wasm')`. */
export const fixture = (path: string): string => join(BUILD, 'fixtures', path);
export const sample = (path: string): string => join(BUILD, 'plugins', path);

/** A temporary plugins folder, filled from build/ by the test. */
export function tempPlugins() {
  const root = mkdtempSync(join(tmpdir(), 'twinplug-server-'));
  const put = (name: string, file: string, from: string) => {
    mkdirSync(join(root, name), { recursive: true });
    copyFileSync(from, join(root, name, file));
  };
  return {
    root,
    put,
    /** The `versioned` fixture at 1.0.0 (Wasm), with plugin.json forcing swaps (so 1.0.0 may follow 2.0.0). */
    versioned(from = fixture('wasm/versioned.wasm'), file = 'versioned.wasm') {
      put('versioned', file, from);
      writeFileSync(join(root, 'versioned', 'plugin.json'), JSON.stringify({ force: true }));
    },
    /** The samples, as build/plugins holds them (twins, cases.json and its data files). */
    samples(...names: string[]) {
      for (const name of names) cpSync(sample(name), join(root, name), { recursive: true });
    },
    cleanup: () => {
      rmSync(root, { recursive: true, force: true });
      // The keys and audit files sit beside the folder (server/config/load-config.ts).
      for (const beside of ['.keys.json', '.audit.jsonl'])
        rmSync(`${root}${beside}`, { force: true });
    },
  };
}
