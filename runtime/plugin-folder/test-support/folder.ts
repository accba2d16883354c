import { mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A temporary plugins folder with helpers for the file operations deployments do. */
export function tempPluginsDir(): {
  root: string;
  /** Writes `<root>/<name>/<file>` in place (creating the folder). */
  write: (name: string, file: string, content: string | Uint8Array) => string;
  /** Writes `<file>.tmp` beside it, then renames it over `<file>`: the atomic deploy. */
  deploy: (name: string, file: string, content: string | Uint8Array) => string;
  remove: (name: string, file?: string) => void;
  cleanup: () => void;
} {
  const root = mkdtempSync(join(tmpdir(), 'twinplug-folder-'));
  const write = (name: string, file: string, content: string | Uint8Array) => {
    mkdirSync(join(root, name), { recursive: true });
    const path = join(root, name, file);
    writeFileSync(path, content);
    return path;
  };
  return {
    root,
    write,
    deploy(name, file, content) {
      const temp = write(name, `${file}.tmp`, content);
      const path = join(root, name, file);
      renameSync(temp, path);
      return path;
    },
    remove(name, file) {
      rmSync(file === undefined ? join(root, name) : join(root, name, file), {
        recursive: true,
        force: true,
      });
    },
    cleanup: () => rmSync(root, { recursive: true, force: true }),
  };
}
