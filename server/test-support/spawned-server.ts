import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import { ADMIN_TOKEN } from './test-app.js';

const CLI = resolve(import.meta.dirname, '../../dist/cli/main.js');

/** A free TCP port on 127.0.0.1 (cluster workers share a fixed port). */
export function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const probe = createServer();
    probe.once('error', fail);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => done(port));
    });
  });
}

export interface SpawnedServer {
  readonly child: ChildProcess;
  readonly url: string;
  /** Every JSON log line so far. */
  readonly lines: Record<string, unknown>[];
  /** Resolves once `count` lines match. */
  waitFor(
    match: (line: Record<string, unknown>) => boolean,
    count?: number,
    timeoutMs?: number,
  ): Promise<void>;
  readonly exited: Promise<number | null>;
}

/** Runs the built `twinplug serve` as a real process on 127.0.0.1. */
export async function spawnServer(
  plugins: string,
  extraArgs: string[] = [],
): Promise<SpawnedServer> {
  const port = await freePort();
  const child = spawn(
    process.execPath,
    [
      CLI,
      'serve',
      '--port',
      String(port),
      '--host',
      '127.0.0.1',
      '--plugins',
      plugins,
      ...extraArgs,
    ],
    {
      env: { ...process.env, TWINPLUG_ADMIN_TOKEN: ADMIN_TOKEN, TWINPLUG_CONFIG: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const lines: Record<string, unknown>[] = [];
  let buffered = '';
  const waiters = new Set<() => void>();
  child.stdout!.on('data', (chunk: Buffer) => {
    buffered += chunk.toString();
    const parts = buffered.split('\n');
    buffered = parts.pop()!;
    for (const part of parts) if (part.startsWith('{')) lines.push(JSON.parse(part));
    for (const waiter of [...waiters]) waiter();
  });
  child.stderr!.on('data', (chunk: Buffer) => process.stderr.write(chunk));
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  const waitFor: SpawnedServer['waitFor'] = (match, count = 1, timeoutMs = 20_000) =>
    new Promise((done, fail) => {
      const check = () => {
        if (lines.filter(match).length < count) return;
        waiters.delete(check);
        clearTimeout(timer);
        done();
      };
      const timer = setTimeout(() => {
        waiters.delete(check);
        fail(
          new Error(
            `log line not seen in time; saw ${JSON.stringify(lines.map((line) => line.msg))}`,
          ),
        );
      }, timeoutMs);
      waiters.add(check);
      check();
    });
  return { child, url: `http://127.0.0.1:${port}`, lines, waitFor, exited };
}

/** Ends a server a test started, if it still runs, and waits for its exit. */
export async function killSpawned(server: SpawnedServer | undefined): Promise<void> {
  if (server === undefined || server.child.exitCode !== null || server.child.signalCode !== null)
    return;
  server.child.kill('SIGKILL');
  await server.exited;
}

/** A request on a fresh connection: the cluster's primary hands connections to the workers in turn. */
export const freshRequest = (url: string, init: RequestInit = {}): Promise<Response> =>
  fetch(url, {
    ...init,
    headers: { connection: 'close', ...(init.headers as Record<string, string>) },
  });
