import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RegistryEvent } from '../events.js';
import type { PluginRegistry } from '../plugin-registry.js';
import type { FakeSpec } from './fake-plugin.js';

/** A temporary folder for fake artifacts, removed by `cleanup`. */
export function fakeArtifactDir(): {
  dir: string;
  write: (file: string, spec: FakeSpec) => string;
  cleanup: () => void;
} {
  const dir = mkdtempSync(join(tmpdir(), 'twinplug-registry-'));
  return {
    dir,
    write(file, spec) {
      const path = join(dir, file);
      writeFileSync(path, JSON.stringify(spec));
      return path;
    },
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** Records every event of a registry, in order. */
export function recordEvents(registry: PluginRegistry): RegistryEvent[] {
  const events: RegistryEvent[] = [];
  registry.events.onAny((event) => events.push(event));
  return events;
}

export const text = (bytes: Uint8Array): string => new TextDecoder().decode(bytes);
export const bytes = (value: string): Uint8Array => new TextEncoder().encode(value);
