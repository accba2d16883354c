import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../lifecycle/start-server.js';
import { tempPlugins } from '../test-support/plugins-folder.js';
import { realServer } from '../test-support/real-server.js';
import { ADMIN_TOKEN } from '../test-support/test-app.js';

// The data route reads headers and the body from Node's own objects on a real connection
// (request-header.ts, read-incoming.ts), where app.request goes through Hono: these run it there.
let plugins: ReturnType<typeof tempPlugins>;
let server: RunningServer & { url: string };

beforeAll(async () => {
  plugins = tempPlugins();
  plugins.samples('upper');
  server = await realServer(plugins.root, { TWINPLUG_MAX_BODY_BYTES: String(1024 * 1024) });
});

afterAll(async () => {
  await server.close();
  plugins.cleanup();
});

const upper = (bytes: Uint8Array) => bytes.map((b) => (b >= 0x61 && b <= 0x7a ? b - 32 : b));

/** Sends `parts` one write at a time on a fresh connection; resolves with all it answered. */
function raw(parts: readonly (string | Buffer)[], end = true, port = server.port): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => {
      for (const part of parts) socket.write(part);
      if (!end) socket.destroy();
    });
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('close', () => resolve(Buffer.concat(chunks).toString('latin1')));
  });
}

const head = (extra: string, length: number) =>
  `POST /v1/plugins/upper HTTP/1.1\r\nHost: x\r\nConnection: close\r\n${extra}Content-Length: ${length}\r\n\r\n`;

describe('the data route on a real connection', () => {
  it('passes a large binary body, read in many chunks, through byte for byte', async () => {
    const body = Uint8Array.from({ length: 300_000 }, (_, index) => (index * 7919) % 256);
    const response = await fetch(`${server.url}/v1/plugins/upper`, { method: 'POST', body });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-length')).toBe(String(body.length));
    expect(response.headers.get('x-trace-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(Buffer.from(await response.arrayBuffer()).equals(Buffer.from(upper(body)))).toBe(true);
  });

  it('reads a body sent in pieces, and a chunked one through the counting limit', async () => {
    const answer = await raw([head('', 11), 'hello', ' ', 'world']);
    expect(answer).toMatch(/^HTTP\/1\.1 200 /);
    expect(answer.endsWith('\r\n\r\nHELLO WORLD')).toBe(true);
    const chunked = await raw([
      'POST /v1/plugins/upper HTTP/1.1\r\nHost: x\r\nConnection: close\r\nTransfer-Encoding: chunked\r\n\r\n',
      '3\r\nabc\r\n',
      '2\r\nde\r\n0\r\n\r\n',
    ]);
    expect(chunked).toMatch(/^HTTP\/1\.1 200 /);
    expect(chunked).toMatch(/\r\n\r\n(5\r\n)?ABCDE/);
  });

  it('keeps serving after a client that leaves in the middle of its body', async () => {
    await raw([head('', 1000), 'only ten b'], false);
    const response = await fetch(`${server.url}/v1/plugins/upper`, { method: 'POST', body: 'ok' });
    expect(await response.text()).toBe('OK');
  });

  it('refuses a bad Content-Length and answers an unknown route with its trace ID', async () => {
    const bad = await raw([
      'POST /v1/plugins/upper HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello!',
    ]);
    expect(bad).toMatch(/^HTTP\/1\.1 400 /);
    const missing = await fetch(`${server.url}/v1/nowhere`, {
      method: 'POST',
      headers: { 'x-trace-id': 'sent-by-client' },
    });
    expect(missing.status).toBe(404);
    expect(missing.headers.get('x-trace-id')).toBe('sent-by-client');
    expect(((await missing.json()) as { error: { traceId: string } }).error.traceId).toBe(
      'sent-by-client',
    );
  });
});

describe('credentials on a real connection', () => {
  let keyed: RunningServer & { url: string };

  beforeAll(async () => {
    keyed = await realServer(plugins.root, { TWINPLUG_AUTH_REQUIRED: 'true' });
  });

  afterAll(() => keyed.close());

  it('refuses two Authorization headers (joined, as the Fetch API reads them) even if one is good', async () => {
    const created = await fetch(`${keyed.url}/v1/admin/keys`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
      body: JSON.stringify({ role: 'caller', plugins: ['upper'] }),
    });
    const { secret } = (await created.json()) as { secret: string };
    const send = (auth: string) => raw([head(auth, 2), 'hi'], true, keyed.port);
    expect(await send(`Authorization: Bearer ${secret}\r\n`)).toMatch(/^HTTP\/1\.1 200 /);
    const twice = await send(
      `Authorization: Bearer ${secret}\r\nAuthorization: Bearer ${secret}\r\n`,
    );
    expect(twice).toMatch(/^HTTP\/1\.1 401 /);
  });
});
