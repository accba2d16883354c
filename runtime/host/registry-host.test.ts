import { describe, expect, it } from 'vitest';
import { createRegistry } from '../registry/index.js';
import { artifact, isSkipped, text, utf8 } from '../test-support/artifacts.js';
import type { LogEntry } from './plugin-host.js';

describe.skipIf(isSkipped('clang-wasm') || isSkipped('cc'))(
  'host API through a registry source',
  () => {
    it('grants, host functions and the log sink reach every twin a source loads', async () => {
      const logs: LogEntry[] = [];
      const registry = createRegistry();
      await registry.register('host-api', {
        artifacts: [
          artifact('host-api', 'cc', 'fixture'),
          artifact('host-api', 'clang-wasm', 'fixture'),
        ],
        capabilities: { log: true, kv: true, hostFunctions: ['acme.lookup'] },
        hostFunctions: { 'acme.lookup': (input) => utf8(`<${text(input)}>`) },
        onLog: (entry) => logs.push(entry),
      });
      const call = async (command: string) => text(await registry.call('host-api', utf8(command)));
      expect(await call('call:acme.lookup:7')).toBe('0:<7>');
      expect(await call('log:1:through the registry')).toBe('0');
      expect(logs.map((entry) => entry.message)).toContain('through the registry');
      await registry.close();
    });
  },
);
