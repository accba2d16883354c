import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { findArtifact, readArtifactManifest, repoRoot } from '../../scripts/artifacts.js';
import { runWatch } from './watch.js';

const manifest = readArtifactManifest();
const v1 = findArtifact(manifest, 'versioned', 'asc', 'fixture')!.path;
const v2 = findArtifact(manifest, 'versioned-v2', 'asc', 'fixture')!.path;
let root: string;

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'twinplug-watch-cli-'));
  mkdirSync(join(root, 'versioned'));
  writeFileSync(join(root, 'versioned', 'versioned.wasm'), readFileSync(v1));
});

afterEach(() => rmSync(root, { recursive: true, force: true }));

/** Collects lines and resolves waits for the first line matching a pattern. */
function lineLog() {
  const lines: string[] = [];
  const waits: { pattern: RegExp; done: () => void }[] = [];
  return {
    lines,
    write(line: string) {
      lines.push(line);
      for (const wait of waits.filter((w) => w.pattern.test(line))) {
        waits.splice(waits.indexOf(wait), 1);
        wait.done();
      }
    },
    until(pattern: RegExp): Promise<void> {
      if (lines.some((line) => pattern.test(line))) return Promise.resolve();
      return new Promise((done) => waits.push({ pattern, done }));
    },
  };
}

function deploy(file: string): void {
  writeFileSync(join(root, 'versioned', 'versioned.wasm.tmp'), readFileSync(file));
  renameSync(
    join(root, 'versioned', 'versioned.wasm.tmp'),
    join(root, 'versioned', 'versioned.wasm'),
  );
}

describe('twinplug watch', () => {
  it('prints a line per event, swaps on a rename, and closes everything when stopped', async () => {
    const log = lineLog();
    const stop = new AbortController();
    const options = { prefer: undefined, registry: {}, json: false };
    const exit = runWatch(root, options, stop.signal, log.write);
    await log.until(/ ready /);
    expect(log.lines.some((line) => /activated +versioned 1\.0\.0 \(wasm/.test(line))).toBe(true);
    deploy(v2);
    await log.until(/activated +versioned 2\.0\.0 .*replacing 1\.0\.0/);
    stop.abort();
    expect(await exit).toBe(0);
    const closed = log.lines.filter((line) => / closed +versioned/.test(line));
    expect(closed).toHaveLength(2);
  });

  it('prints JSON lines with --json', async () => {
    const log = lineLog();
    const stop = new AbortController();
    const exit = runWatch(
      root,
      { prefer: 'wasm', registry: {}, json: true },
      stop.signal,
      log.write,
    );
    await log.until(/"type":"ready"/);
    stop.abort();
    await exit;
    const events = log.lines.map((line) => JSON.parse(line) as { type: string; source: string });
    expect(events.map((event) => event.type)).toEqual(
      expect.arrayContaining(['loaded', 'activated', 'ready', 'draining', 'closed']),
    );
  });

  it('exits cleanly on Ctrl-C (the built CLI, SIGINT)', async () => {
    const cli = join(repoRoot(), 'dist', 'cli', 'main.js');
    const child = spawn(process.execPath, [cli, 'watch', root], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const log = lineLog();
    let buffered = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      buffered += chunk;
      const lines = buffered.split('\n');
      buffered = lines.pop()!;
      for (const line of lines) log.write(line);
    });
    const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
    await log.until(/ ready /);
    child.kill('SIGINT');
    expect(await exited).toBe(0);
    expect(log.lines.some((line) => / closed +versioned 1\.0\.0/.test(line))).toBe(true);
  });

  it('fails with a usage error without a folder, and exit code 1 for a missing one', () => {
    return Promise.all([
      expect(
        import('./watch.js').then(({ watchCommand }) => watchCommand.run([], { json: false })),
      ).rejects.toThrow('give exactly one plugins folder'),
      expect(
        import('./watch.js').then(({ watchCommand }) =>
          watchCommand.run([join(root, 'missing')], { json: false }),
        ),
      ).resolves.toBe(1),
    ]);
  });
});
