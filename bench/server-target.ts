/**
 * One HTTP server under benchmark, run in its own process so that the load generator does not
 * share its event loop: `node dist/bench/server-target.js <kind> [pluginsDir]`. Prints
 * `{"port":N}` once listening; exits on SIGTERM.
 */
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { createLogger, loadConfig, startServer } from '../server/index.js';

/** The same bytes upper produces, computed in JS: ASCII a-z to A-Z. */
function upper(input: Uint8Array): Uint8Array {
  const output = new Uint8Array(input.length);
  for (let index = 0; index < input.length; index += 1) {
    const byte = input[index]!;
    output[index] = byte >= 0x61 && byte <= 0x7a ? byte - 32 : byte;
  }
  return output;
}

async function bareNode(): Promise<number> {
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      response.writeHead(200, { 'content-type': 'application/octet-stream' });
      response.end(upper(Buffer.concat(chunks)));
    });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  process.once('SIGTERM', () => server.close(() => process.exit(0)));
  return (server.address() as AddressInfo).port;
}

async function bareHono(): Promise<number> {
  const app = new Hono();
  app.post('/v1/plugins/upper', async (c) => {
    const output = upper(new Uint8Array(await c.req.arrayBuffer()));
    c.header('Content-Type', 'application/octet-stream');
    return c.body(output as Uint8Array<ArrayBuffer>, 200);
  });
  const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' });
  await new Promise<void>((done) => server.once('listening', done));
  process.once('SIGTERM', () => server.close(() => process.exit(0)));
  return (server.address() as AddressInfo).port;
}

async function twinplug(plugins: string, env: Record<string, string> = {}): Promise<number> {
  const config = loadConfig({
    env: { TWINPLUG_LOG_LEVEL: 'warn', ...env },
    flags: { plugins, port: '0', host: '127.0.0.1' },
    cwd: plugins,
  });
  const running = await startServer(config, { log: createLogger('warn') });
  process.once('SIGTERM', () => void running.close().then(() => process.exit(0)));
  return running.port;
}

/**
 * The same server with auth.required (and, with `limits`, per-key and per-plugin rate limits
 * set high enough never to refuse, so every request pays for them), and one caller key.
 */
async function twinplugWithAuth(
  plugins: string,
  limits: boolean,
): Promise<{ port: number; secret: string }> {
  const adminToken = randomBytes(24).toString('hex');
  const high = '1000000';
  const port = await twinplug(plugins, {
    TWINPLUG_ADMIN_TOKEN: adminToken,
    TWINPLUG_AUTH_REQUIRED: 'true',
    ...(limits
      ? {
          TWINPLUG_LIMIT_KEY_RPS: high,
          TWINPLUG_LIMIT_KEY_BURST: high,
          TWINPLUG_LIMIT_PLUGIN_RPS: high,
          TWINPLUG_LIMIT_PLUGIN_BURST: high,
        }
      : {}),
  });
  const created = await fetch(`http://127.0.0.1:${port}/v1/admin/keys`, {
    method: 'POST',
    headers: { authorization: `Bearer ${adminToken}` },
    body: JSON.stringify({ role: 'caller', plugins: ['upper'] }),
  });
  const { secret } = (await created.json()) as { secret: string };
  return { port, secret };
}

// The suite asks for this process's CPU time around each round (robust on a busy machine).
process.on('message', (message) => {
  if (message === 'cpu') process.send?.(process.cpuUsage());
});
process.channel?.unref();

const [kind, plugins] = process.argv.slice(2);
const started =
  kind === 'node-http'
    ? { port: await bareNode() }
    : kind === 'hono'
      ? { port: await bareHono() }
      : kind === 'twinplug-key' || kind === 'twinplug-limits'
        ? await twinplugWithAuth(plugins!, kind === 'twinplug-limits')
        : { port: await twinplug(plugins!) };
process.stdout.write(`${JSON.stringify(started)}\n`);
