import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { artifact, isSkipped, toolchainTitle } from '../test-support/artifacts.js';

const CYCLES = 2000;
const WARM_UP = 300;
const RSS_BUDGET = 20 * 1024 * 1024;
const SCRIPT = join(import.meta.dirname, 'test-support', 'load-close-cycles.mjs');
const BUILT_ENTRY = join(import.meta.dirname, '..', '..', 'dist', 'runtime', 'index.js');
const shadowDir = mkdtempSync(join(tmpdir(), 'twinplug-leak-shadow-'));

afterAll(() => rmSync(shadowDir, { recursive: true, force: true }));

interface CycleReport {
  rssGrowth: number;
  shadowMappings: string[];
  shadowFiles: string[];
}

/**
 * Runs the cycles in a process of their own (against the built runtime, which `npm test`
 * builds first), with full collections before each measurement and V8's young generation
 * pinned at 1 MB: left free, V8 grows it by tens of MB under this allocation pattern and
 * keeps it, which is heap sizing, not a leak.
 */
async function runCycles(
  path: string,
  cycles = CYCLES,
  warmUp = WARM_UP,
  dir = shadowDir,
): Promise<CycleReport> {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['--expose-gc', '--max-semi-space-size=1', SCRIPT, path, String(cycles), String(warmUp), dir],
    { maxBuffer: 16 * 1024 * 1024 },
  );
  return JSON.parse(stdout) as CycleReport;
}

describe.each([
  { toolchain: 'cc', path: () => artifact('upper', 'cc') },
  { toolchain: 'asc', path: () => artifact('upper', 'asc') },
] as const)('register and remove through the registry, 2,000 times', ({ toolchain, path }) => {
  it.skipIf(isSkipped(toolchain))(
    `${toolchainTitle(toolchain)}: RSS grows less than 20 MB and no shadow copy stays mapped`,
    async () => {
      expect(existsSync(BUILT_ENTRY), 'run npm run build first (npm test does)').toBe(true);
      const report = await runCycles(path());
      expect(report.rssGrowth).toBeLessThan(RSS_BUDGET);
      expect(report.shadowMappings).toEqual([]);
      expect(report.shadowFiles).toEqual([]);
    },
    180_000,
  );
});

describe('processes sharing a shadow folder', () => {
  it.skipIf(isSkipped('cc'))(
    `${toolchainTitle('cc')}: two processes loading and closing the same library never remove each other's copies`,
    async () => {
      // One process's cleanup once listed the hash folder, found it empty, and removed it
      // recursively just as the other created its copy there: the other's dlopen then failed.
      const shared = mkdtempSync(join(tmpdir(), 'twinplug-shared-shadow-'));
      try {
        const path = artifact('upper', 'cc');
        const reports = await Promise.all([
          runCycles(path, 1000, 0, shared),
          runCycles(path, 1000, 0, shared),
        ]);
        expect(reports.every((report) => report.shadowMappings.length === 0)).toBe(true);
        expect(readdirSync(shared)).toEqual([]);
      } finally {
        rmSync(shared, { recursive: true, force: true });
      }
    },
    180_000,
  );
});
