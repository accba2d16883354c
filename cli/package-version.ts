import { readFileSync } from 'node:fs';

/** The installed package's version, from its package.json (dist/cli/ or cli/ is two or one up). */
export function packageVersion(): string {
  for (const relative of ['../../package.json', '../package.json']) {
    try {
      const manifest = JSON.parse(readFileSync(new URL(relative, import.meta.url), 'utf8'));
      if (manifest.name === 'twinplug' && typeof manifest.version === 'string')
        return manifest.version;
    } catch {
      // not this level: try the next one
    }
  }
  return 'unknown';
}
