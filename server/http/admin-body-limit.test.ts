import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tempPlugins } from '../test-support/plugins-folder.js';
import { admin, type TestApp, testApp } from '../test-support/test-app.js';
import { ADMIN_JSON_MAX_BYTES } from './admin-routes.js';

let plugins: ReturnType<typeof tempPlugins>;
let t: TestApp;

beforeEach(async () => {
  plugins = tempPlugins();
  plugins.versioned();
  t = await testApp(plugins.root);
});

afterEach(async () => {
  await t.close();
  plugins.cleanup();
});

const ROUTES: [string, string][] = [
  ['PUT', '/v1/admin/plugins/versioned/traffic'],
  ['POST', '/v1/admin/plugins/versioned/activate'],
  ['POST', '/v1/admin/plugins/versioned/rollback'],
  ['DELETE', '/v1/admin/plugins/versioned'],
];

/** A JSON-looking body of `chunks` × 64 KiB that counts what was pulled from it. */
function endless(chunks: number) {
  const pulled = { bytes: 0 };
  const chunk = new TextEncoder().encode(`"${'x'.repeat(65_534)}"`);
  let left = chunks;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (left-- === 0) return controller.close();
      pulled.bytes += chunk.length;
      controller.enqueue(chunk);
    },
  });
  return { body, pulled };
}

describe('admin JSON routes', () => {
  it('answer 413 to a declared length over the limit, and nothing changes', async () => {
    for (const [method, path] of ROUTES) {
      const response = await t.app.request(
        path,
        admin({
          method,
          body: '{}',
          headers: { 'content-length': String(100 * 1024 * 1024) },
        }),
      );
      expect(response.status, path).toBe(413);
      const body = (await response.json()) as { error: { code: string } };
      expect(body.error.code).toBe('BODY_TOO_LARGE');
    }
    expect(t.service.describe('versioned')?.active).toBe('1.0.0');
  });

  it('stop reading a chunked body at the limit', async () => {
    for (const [method, path] of ROUTES) {
      const { body, pulled } = endless(1600);
      const response = await t.app.request(path, {
        ...admin({ method, body }),
        duplex: 'half',
      } as RequestInit);
      expect(response.status, path).toBe(413);
      expect(pulled.bytes, path).toBeLessThan(ADMIN_JSON_MAX_BYTES + 4 * 65_536);
    }
  });
});
