import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot, skipReason } from '../scripts/artifacts.js';
import { type LegacyName, legacyPair, writeLegacyFolder } from '../scripts/legacy-fixtures.js';
import { manifest } from './test-support/built.js';
import { stderrWithoutProgress } from './test-support/cli-stderr.js';

// The built CLI (npm test builds first), run as a user proving a port equal to a legacy library.
const CLI = join(repoRoot(), 'dist', 'cli', 'main.js');
const work = mkdtempSync(join(tmpdir(), 'twinplug-legacy-conformance-'));

function conformance(...args: string[]) {
  const result = spawnSync(process.execPath, [CLI, 'conformance', ...args], {
    encoding: 'utf8',
    timeout: 120_000,
  });
  return {
    status: result.status,
    stdout: result.stdout,
    stderr: stderrWithoutProgress(result.stderr),
  };
}

const utf8 = (text: string) => ({ utf8: text });

/** Each legacy library with its config, cases, and the grammar its inputs come from. */
const TWINS: Record<LegacyName, { config: string; grammar: string; cases: object[] }> = {
  shout: {
    config: '>> ',
    grammar: 'c-text',
    cases: [
      { name: 'letters', input: utf8('hello'), expect: { output: utf8('>> HELLO') } },
      { name: 'empty', input: utf8(''), expect: { output: utf8('>> ') } },
      {
        name: 'failure',
        input: utf8('fail'),
        expect: { error: { code: 'PLUGIN_CALL_FAILED', pluginCode: -7 } },
      },
    ],
  },
  rot13: {
    config: '13',
    grammar: 'bytes',
    cases: [
      { name: 'letters', input: utf8('Hello'), expect: { output: utf8('Uryyb') } },
      { name: 'binary', input: { hex: '00ff41' }, expect: { output: { hex: '00ff4e' } } },
    ],
  },
  greet: {
    config: '',
    grammar: 'c-text',
    cases: [
      { name: 'a name', input: utf8('Ada'), expect: { output: utf8('Hello, Ada!') } },
      { name: 'no name', input: utf8(''), expect: { output: utf8('Hello, stranger!') } },
    ],
  },
};

const missing = ['cxx', 'cc', 'clang-wasm']
  .map((t) => skipReason(manifest, t as never))
  .find(Boolean);

describe.skipIf(missing !== undefined)(
  `twinplug conformance: legacy libraries against their Wasm ports${missing ? ` (skipped: ${missing})` : ''}`,
  () => {
    it.each(Object.keys(TWINS) as LegacyName[])(
      '%s: --plugin DIR (plugin.json adapter) passes its cases and 300 fuzzed inputs',
      (name) => {
        const { native, wasm } = legacyPair(manifest, name);
        const twin = TWINS[name];
        const dir = writeLegacyFolder(join(work, 'agree'), name, [native, wasm], {
          config: twin.config,
        });
        writeFileSync(join(dir, 'cases.json'), JSON.stringify({ plugin: name, cases: twin.cases }));
        const result = conformance(
          '--plugin',
          dir,
          '--fuzz',
          '300',
          '--grammar',
          twin.grammar,
          '--max-size',
          '200',
          '--seed',
          '7',
        );
        expect(result.stderr).toBe('');
        expect(result.stdout).toContain(`${name}.wasm`);
        expect(result.status).toBe(0);
      },
    );

    it('a legacy library against the wrong port is a divergence (exit 1)', () => {
      const dir = writeLegacyFolder(join(work, 'disagree'), 'shout', [
        legacyPair(manifest, 'shout').native,
        legacyPair(manifest, 'greet').wasm,
      ]);
      const result = conformance(
        '--plugin',
        dir,
        '--fuzz',
        '50',
        '--grammar',
        'c-text',
        '--seed',
        '7',
      );
      expect(result.status).toBe(1);
    });
  },
);
