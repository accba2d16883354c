import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempPlugins } from '../test-support/plugins-folder.js';
import { type TestApp, testApp } from '../test-support/test-app.js';

let plugins: ReturnType<typeof tempPlugins>;
let t: TestApp;

beforeAll(async () => {
  plugins = tempPlugins();
  plugins.samples('upper', 'crc32', 'pricing');
  writeFileSync(
    join(plugins.root, 'pricing', 'plugin.json'),
    JSON.stringify({ contentType: 'application/json' }),
  );
  t = await testApp(plugins.root, { TWINPLUG_MAX_BODY_BYTES: '1024' });
});

afterAll(async () => {
  await t.close();
  plugins.cleanup();
});

const post = (path: string, body: string | Uint8Array, headers: Record<string, string> = {}) =>
  t.app.request(path, { method: 'POST', body, headers });

async function errorOf(response: Response) {
  expect(response.headers.get('content-type')).toMatch(/^application\/json/);
  const body = (await response.json()) as {
    error: { code: string; message: string; traceId: string };
  };
  expect(body.error.traceId).toBe(response.headers.get('x-trace-id'));
  expect(typeof body.error.message).toBe('string');
  return body.error;
}

describe('POST /v1/plugins/:name', () => {
  it('returns the output bytes as application/octet-stream, with the version that served', async () => {
    const response = await post('/v1/plugins/upper', 'hello, world');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/octet-stream');
    expect(response.headers.get('x-plugin-version')).toBe('1.0.0');
    expect(response.headers.get('x-plugin-backend')).toBe('wasm');
    expect(await response.text()).toBe('HELLO, WORLD');
  });

  it('passes binary bodies through byte for byte', async () => {
    const response = await post('/v1/plugins/crc32', '123456789');
    expect(Buffer.from(await response.arrayBuffer()).toString('hex')).toBe('cbf43926');
    const every = Uint8Array.from({ length: 256 }, (_, index) => index);
    const upper = Buffer.from(await (await post('/v1/plugins/upper', every)).arrayBuffer());
    const expected = Buffer.from(
      every.map((byte) => (byte >= 0x61 && byte <= 0x7a ? byte - 32 : byte)),
    );
    expect(upper.equals(expected)).toBe(true);
  });

  it('answers an empty body with an empty output', async () => {
    const response = await post('/v1/plugins/upper', '');
    expect(response.status).toBe(200);
    expect((await response.arrayBuffer()).byteLength).toBe(0);
  });

  it('uses the content type plugin.json names', async () => {
    const response = await post(
      '/v1/plugins/pricing',
      '{"items":[{"sku":"A","qty":2,"unit_cents":150}]}',
    );
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(await response.json()).toMatchObject({ total_cents: 300 });
  });

  it('pins a version by header or path, and 404s a version that is not loaded', async () => {
    expect(await (await post('/v1/plugins/upper@1.0.0', 'a')).text()).toBe('A');
    expect(
      await (await post('/v1/plugins/upper', 'b', { 'x-plugin-version': '1.0.0' })).text(),
    ).toBe('B');
    const missing = await post('/v1/plugins/upper@9.9.9', 'c');
    expect(missing.status).toBe(404);
    expect((await errorOf(missing)).code).toBe('PLUGIN_NOT_FOUND');
    const header = await post('/v1/plugins/upper', 'c', { 'x-plugin-version': '9.9.9' });
    expect(header.status).toBe(404);
  });

  it('pins a backend, and refuses a backend that is neither wasm nor native', async () => {
    const wasm = await post('/v1/plugins/upper', 'x', { 'x-plugin-backend': 'wasm' });
    expect(wasm.headers.get('x-plugin-backend')).toBe('wasm');
    expect(await wasm.text()).toBe('X');
    const bad = await post('/v1/plugins/upper', 'x', { 'x-plugin-backend': 'jvm' });
    expect(bad.status).toBe(400);
    expect((await errorOf(bad)).code).toBe('BAD_REQUEST');
  });

  it('serves the native twin to requests pinned to native, byte for byte like the Wasm build', async () => {
    const input = 'Twin parity: straße 123 abc';
    const native = await post('/v1/plugins/upper@1.0.0', input, { 'x-plugin-backend': 'native' });
    expect(native.status).toBe(200);
    expect(native.headers.get('x-plugin-backend')).toBe('native');
    const wasm = await post('/v1/plugins/upper', input);
    expect(wasm.headers.get('x-plugin-backend')).toBe('wasm');
    expect(
      Buffer.from(await native.arrayBuffer()).equals(Buffer.from(await wasm.arrayBuffer())),
    ).toBe(true);
    const crc = await post('/v1/plugins/crc32', '123456789', { 'x-plugin-backend': 'native' });
    expect(Buffer.from(await crc.arrayBuffer()).toString('hex')).toBe('cbf43926');
    const missing = await post('/v1/plugins/upper@2.0.0', 'x', { 'x-plugin-backend': 'native' });
    expect(missing.status).toBe(404);
    const view = t.service.describe('upper')!;
    expect(view.versions.map((version) => [version.backend, version.role])).toEqual([
      ['wasm', 'active'],
      ['native', 'twin'],
    ]);
    expect(view.versions[1]!.calls).toBeGreaterThan(0);
  });

  it('refuses a version that is not semver and a path pin contradicting the header', async () => {
    expect((await post('/v1/plugins/upper@latest', 'x')).status).toBe(400);
    const both = await post('/v1/plugins/upper@1.0.0', 'x', { 'x-plugin-version': '2.0.0' });
    expect(both.status).toBe(400);
    expect((await errorOf(both)).code).toBe('BAD_REQUEST');
  });

  it('404s an unknown plugin with the JSON error and the trace ID', async () => {
    const response = await post('/v1/plugins/nope', 'x');
    expect(response.status).toBe(404);
    const error = await errorOf(response);
    expect(error.code).toBe('PLUGIN_NOT_FOUND');
    expect(error.traceId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('maps a plugin-reported error to 422 with its plugin code', async () => {
    const response = await post('/v1/plugins/pricing', '{not json');
    expect(response.status).toBe(422);
    const body = (await response.json()) as { error: { code: string; pluginCode: number } };
    expect(body.error).toMatchObject({ code: 'PLUGIN_CALL_FAILED', pluginCode: -2 });
    // The plugin keeps serving after its error.
    expect((await post('/v1/plugins/pricing', '{"items":[]}')).status).toBe(200);
  });

  it('refuses a body over the limit with 413 BODY_TOO_LARGE', async () => {
    const response = await post('/v1/plugins/upper', 'x'.repeat(1025));
    expect(response.status).toBe(413);
    expect((await errorOf(response)).code).toBe('BODY_TOO_LARGE');
    expect((await post('/v1/plugins/upper', 'x'.repeat(1024))).status).toBe(200);
  });

  it('refuses names with path tricks before touching anything', async () => {
    for (const path of [
      '/v1/plugins/..%2Fupper',
      '/v1/plugins/up%20per',
      '/v1/plugins/%2e%2e%5cupper',
    ]) {
      const response = await post(path, 'x');
      expect(response.status).toBe(400);
      expect((await errorOf(response)).code).toBe('INVALID_PLUGIN_NAME');
    }
    // A dot-dot segment is resolved by URL parsing first: no route matches.
    const dots = await post('/v1/plugins/%2E%2E', 'x');
    expect(dots.status).toBe(404);
    expect((await errorOf(dots)).code).toBe('ROUTE_NOT_FOUND');
  });
});

describe('trace IDs', () => {
  it('echoes a sane X-Trace-ID into the header and error bodies', async () => {
    const response = await post('/v1/plugins/nope', 'x', { 'x-trace-id': 'abc-123_XYZ' });
    expect(response.headers.get('x-trace-id')).toBe('abc-123_XYZ');
    expect((await errorOf(response)).traceId).toBe('abc-123_XYZ');
  });

  it('replaces an insane one (bad characters, too long) with a fresh one', async () => {
    for (const sent of ['a b', '<script>', 'x'.repeat(129)]) {
      const response = await post('/v1/plugins/upper', 'x', { 'x-trace-id': sent });
      const traceId = response.headers.get('x-trace-id');
      expect(traceId).not.toBe(sent);
      expect(traceId).toMatch(/^[0-9a-f-]{36}$/);
    }
  });

  it('carries the trace ID into the log lines of the request', async () => {
    await post('/v1/plugins/nope', 'x', { 'x-trace-id': 'trace-in-logs' });
    const lines = t.logs.filter((line) => line.traceId === 'trace-in-logs');
    expect(lines.length).toBeGreaterThan(0);
    expect(lines[0]).toMatchObject({ code: 'PLUGIN_NOT_FOUND', status: 404 });
  });
});

describe('a lazy plugin', () => {
  it('is listed before its first call, loaded by it, and counted', async () => {
    const lazy = tempPlugins();
    lazy.samples('upper');
    writeFileSync(join(lazy.root, 'upper', 'plugin.json'), JSON.stringify({ lazy: true }));
    const app = await testApp(lazy.root, { TWINPLUG_TWINS: 'false' });
    try {
      expect(app.service.describe('upper')).toMatchObject({ lazy: true, versions: [] });
      const response = await app.app.request('/v1/plugins/upper', { method: 'POST', body: 'lazy' });
      expect([response.status, await response.text()]).toEqual([200, 'LAZY']);
      expect(app.service.describe('upper')).toMatchObject({
        lazy: false,
        active: '1.0.0',
        versions: [{ calls: 1 }],
      });
    } finally {
      await app.close();
      lazy.cleanup();
    }
  });
});

describe('access log', () => {
  it('logs every request at debug level with its trace ID, status and duration', async () => {
    const debug = await testApp(plugins.root, { TWINPLUG_LOG_LEVEL: 'debug' });
    try {
      await debug.app.request('/v1/plugins/upper', {
        method: 'POST',
        body: 'x',
        headers: { 'x-trace-id': 'access-1' },
      });
      expect(
        debug.logs.find((line) => line.traceId === 'access-1' && line.msg === 'request'),
      ).toMatchObject({
        level: 20,
        method: 'POST',
        path: '/v1/plugins/upper',
        status: 200,
        ms: expect.any(Number),
      });
    } finally {
      await debug.close();
    }
  });
});

describe('operations routes', () => {
  it('GET /healthz and /readyz', async () => {
    expect(await (await t.app.request('/healthz')).json()).toMatchObject({ status: 'ok' });
    const ready = await t.app.request('/readyz');
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready', plugins: ['crc32', 'pricing', 'upper'] });
  });

  it('GET /metrics in Prometheus text format, with calls, errors and latency per version', async () => {
    await post('/v1/plugins/upper', 'metrics');
    await post('/v1/plugins/pricing', '{');
    const response = await t.app.request('/metrics');
    expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await response.text();
    expect(text).toMatch(
      /^twinplug_calls_total\{plugin="upper",version="1.0.0",backend="wasm"\} \d+$/m,
    );
    expect(text).toMatch(
      /^twinplug_call_errors_total\{plugin="pricing",version="1.0.0",backend="wasm",code="PLUGIN_CALL_FAILED"\} [1-9]\d*$/m,
    );
    expect(text).toMatch(
      /^twinplug_call_duration_seconds_bucket\{le="\+Inf",plugin="upper",version="1.0.0",backend="wasm"\} \d+$/m,
    );
  });

  it('answers an unknown route with 404 ROUTE_NOT_FOUND in the same JSON shape', async () => {
    const response = await t.app.request('/v2/whatever');
    expect(response.status).toBe(404);
    expect((await errorOf(response)).code).toBe('ROUTE_NOT_FOUND');
  });
});

describe('body limit without Content-Length', () => {
  it('counts a streamed (chunked) body and refuses it past the limit', async () => {
    const stream = (size: number) =>
      new ReadableStream<Uint8Array>({
        start(controller) {
          for (let sent = 0; sent < size; sent += 100)
            controller.enqueue(new Uint8Array(Math.min(100, size - sent)).fill(0x61));
          controller.close();
        },
      });
    const init = (size: number) =>
      ({ method: 'POST', body: stream(size), duplex: 'half' }) as RequestInit;
    const over = await t.app.request('/v1/plugins/upper', init(1100));
    expect(over.status).toBe(413);
    expect((await errorOf(over)).code).toBe('BODY_TOO_LARGE');
    const within = await t.app.request('/v1/plugins/upper', init(1000));
    expect(within.status).toBe(200);
    expect(await within.text()).toBe('A'.repeat(1000));
  });
});
