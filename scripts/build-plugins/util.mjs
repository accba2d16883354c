// Small helpers shared by the toolchain modules: processes, PATH lookup, paths, freshness.
import { execFile } from 'node:child_process';
import { constants } from 'node:fs';
import { access, mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

export const ROOT = path.resolve(import.meta.dirname, '..', '..');

/** Absolute path from a repo-relative one. */
export const abs = (p) => path.resolve(ROOT, p);

/** Repo-relative path with forward slashes, as written to artifacts.json. */
export const rel = (p) => path.relative(ROOT, path.resolve(ROOT, p)).split(path.sep).join('/');

/** Runs a program without a shell; never throws for a non-zero exit. */
export function run(file, args, options = {}) {
  return new Promise((resolve) => {
    execFile(
      file,
      args,
      { cwd: ROOT, maxBuffer: 64 * 1024 * 1024, windowsHide: true, ...options },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
        const spawnError = error && typeof error.code !== 'number' ? `${error.message}\n` : '';
        resolve({ ok: !error, code, stdout: String(stdout), stderr: spawnError + String(stderr) });
      },
    );
  });
}

async function isExecutable(file) {
  try {
    await access(file, process.platform === 'win32' ? constants.F_OK : constants.X_OK);
    return (await stat(file)).isFile();
  } catch {
    return false;
  }
}

/** Finds a program like the shell would (PATH, and PATHEXT on Windows); null when absent. */
export async function which(name) {
  if (name.includes('/') || name.includes('\\')) return (await isExecutable(name)) ? name : null;
  const exts =
    process.platform === 'win32' ? ['', ...(process.env.PATHEXT ?? '.EXE;.CMD').split(';')] : [''];
  for (const dir of (process.env.PATH ?? '').split(path.delimiter).filter(Boolean)) {
    for (const ext of exts) {
      const file = path.join(dir, name + ext);
      if (await isExecutable(file)) return file;
    }
  }
  return null;
}

/** First line of `<program> --version`, for the log. */
export async function versionOf(file, args = ['--version']) {
  const { stdout, stderr } = await run(file, args);
  return (stdout || stderr).split('\n')[0].trim();
}

/** Runs fn over items with at most `limit` in flight; results keep the input order. */
export async function mapLimit(items, fn, limit = Math.max(1, os.availableParallelism())) {
  const results = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i], i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

const mtime = async (file) => {
  try {
    return (await stat(abs(file))).mtimeMs;
  } catch {
    return null;
  }
};

/**
 * Remembers the command that produced each output (build/.build-state.json), so an output is
 * reused only when it is newer than all its inputs and was made by the same command.
 */
export class BuildState {
  #file;
  #entries = {};
  #force;

  constructor(buildDir, force) {
    this.#file = path.join(abs(buildDir), '.build-state.json');
    this.#force = force;
  }

  async load() {
    try {
      this.#entries = JSON.parse(await readFile(this.#file, 'utf8'));
    } catch {
      this.#entries = {};
    }
  }

  async isFresh(output, inputs, key) {
    if (this.#force || this.#entries[rel(output)] !== key) return false;
    const outTime = await mtime(output);
    if (outTime === null) return false;
    for (const input of inputs) {
      const inTime = await mtime(input);
      if (inTime === null || inTime > outTime) return false;
    }
    return true;
  }

  record(output, key) {
    this.#entries[rel(output)] = key;
  }

  forget(output) {
    delete this.#entries[rel(output)];
  }

  async save() {
    await mkdir(path.dirname(this.#file), { recursive: true });
    await writeFile(this.#file, `${JSON.stringify(this.#entries, null, 2)}\n`);
  }
}

/** Creates the parent directory of a file. */
export const ensureDirFor = (file) => mkdir(path.dirname(abs(file)), { recursive: true });

/**
 * A toolchain's result: its log line, what it built (artifacts.json entries), what it skipped
 * ([{ toolchain, reason, names? }]) and what failed ([{ target, error }]).
 */
export function report({ toolchain, header, built, compiled, failures, skipped }) {
  const samples = built.filter((b) => b.kind === 'sample').length;
  const fresh = built.length - compiled;
  const counts = `${samples} samples, ${built.length - samples} fixtures (${compiled} compiled, ${fresh} up to date)`;
  const failed = failures.length ? `; FAILED ${failures.map((f) => f.target.name).join(', ')}` : '';
  const skips = skipped
    .map((s) => `; skipped ${s.names ? `${s.names.join(', ')} ` : ''}(${s.reason})`)
    .join('');
  return { toolchain, line: `${header}: ${counts}${failed}${skips}`, built, failures, skipped };
}

/** The result of a toolchain that is not available here. */
export function unavailable(toolchain, reason, label = toolchain) {
  return {
    toolchain,
    line: `${label}: skipped everything (${reason})`,
    built: [],
    failures: [],
    skipped: [{ toolchain, reason }],
  };
}
