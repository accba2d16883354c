// Issue #13: `engines` true to every dependency. npm only warns (EBADENGINE) when a package in
// the lock file asks for a newer Node than the one package.json declares; this makes it a failure.
import { readFileSync } from 'node:fs';
import { minVersion, satisfies } from 'semver';
import { describe, expect, it } from 'vitest';

const manifest = JSON.parse(readFileSync('package.json', 'utf8')) as {
  engines: { node: string };
};
const lock = JSON.parse(readFileSync('package-lock.json', 'utf8')) as {
  packages: Record<string, { version?: string; engines?: { node?: string } | string[] }>;
};

describe('engines', () => {
  it('every package in the lock file runs on the oldest Node that package.json declares', () => {
    const oldest = minVersion(manifest.engines.node)!.version;
    const refusing = Object.entries(lock.packages)
      .filter(([path]) => path !== '')
      .flatMap(([path, entry]) => {
        const wanted = Array.isArray(entry.engines) ? undefined : entry.engines?.node;
        return wanted === undefined || satisfies(oldest, wanted)
          ? []
          : [`${path}@${entry.version}: node ${wanted}`];
      });
    expect(refusing, `Node ${oldest}`).toEqual([]);
  });
});
