import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** One nats-server of a test cluster: its client URL, and a way to kill or restart it. */
export interface NatsNode {
  readonly name: string;
  readonly clientUrl: string;
  /** `kill -9`: no goodbye to the cluster. */
  kill(): Promise<void>;
  /** Starts it again with the same ports and store, and waits until it is healthy. */
  restart(): Promise<void>;
}

/** A real JetStream cluster of nats-server processes on loopback ports. */
export interface NatsCluster {
  readonly nodes: readonly NatsNode[];
  /** Every node's client URL, comma-separated, as `--store nats://a,nats://b` takes them. */
  readonly servers: string;
  close(): Promise<void>;
}

const READY_TIMEOUT_MS = 30_000;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address
          ? resolve(address.port)
          : reject(new Error('no port')),
      );
    });
    server.on('error', reject);
  });
}

/** Waits for the node's monitoring endpoint to report JetStream healthy (meta leader known). */
async function waitHealthy(monitorPort: number, child: ChildProcess, log: () => string) {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  let exited = false;
  child.once('exit', () => {
    exited = true;
  });
  while (Date.now() < deadline) {
    if (exited) throw new Error(`nats-server exited before it was healthy:\n${log()}`);
    try {
      const response = await fetch(`http://127.0.0.1:${monitorPort}/healthz`);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    // A health probe, not a sleep in a test: the server is polled until it says it is ready.
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`nats-server not healthy after ${READY_TIMEOUT_MS} ms:\n${log()}`);
}

/**
 * Starts `size` nats-server processes with JetStream, routed to each other as one cluster on
 * loopback, each with its own store in a private temporary folder, and waits until every one
 * reports healthy. Needs Debian's `nats-server` (scripts/install-toolchains.sh).
 */
export async function startNatsCluster(size = 3): Promise<NatsCluster> {
  const root = mkdtempSync(join(tmpdir(), 'twinplug-nats-'));
  const ports = await Promise.all(
    Array.from({ length: size }, async () => ({
      client: await freePort(),
      cluster: await freePort(),
      monitor: await freePort(),
    })),
  );
  const routes = ports.map((port) => `nats://127.0.0.1:${port.cluster}`).join(',');
  const nodes = ports.map((port, index) => {
    const name = `n${index + 1}`;
    const args = [
      '--addr',
      '127.0.0.1',
      '--port',
      String(port.client),
      '--http_port',
      String(port.monitor),
      '--server_name',
      name,
      '--cluster_name',
      'twinplug-test',
      '--cluster',
      `nats://127.0.0.1:${port.cluster}`,
      '--routes',
      routes,
      '--jetstream',
      '--store_dir',
      join(root, name),
    ];
    let child: ChildProcess | undefined;
    let output = '';
    const start = async () => {
      output = '';
      child = spawn('nats-server', args, { stdio: ['ignore', 'pipe', 'pipe'] });
      child.stdout?.on('data', (chunk) => {
        output += chunk;
      });
      child.stderr?.on('data', (chunk) => {
        output += chunk;
      });
      await waitHealthy(port.monitor, child, () => output);
    };
    const stop = async (signal: NodeJS.Signals) => {
      const running = child;
      child = undefined;
      if (running === undefined || running.exitCode !== null) return;
      const exited = new Promise((resolve) => running.once('exit', resolve));
      running.kill(signal);
      await exited;
    };
    return {
      node: {
        name,
        clientUrl: `nats://127.0.0.1:${port.client}`,
        kill: () => stop('SIGKILL'),
        restart: async () => {
          await stop('SIGKILL');
          await start();
        },
      } satisfies NatsNode,
      start,
      stop,
    };
  });
  try {
    await Promise.all(nodes.map((node) => node.start()));
  } catch (error) {
    await Promise.all(nodes.map((node) => node.stop('SIGKILL')));
    rmSync(root, { recursive: true, force: true });
    throw error;
  }
  return {
    nodes: nodes.map((node) => node.node),
    servers: nodes.map((node) => node.node.clientUrl).join(','),
    async close() {
      await Promise.all(nodes.map((node) => node.stop('SIGTERM')));
      rmSync(root, { recursive: true, force: true });
    },
  };
}
