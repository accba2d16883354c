import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixture, tempPlugins } from '../test-support/plugins-folder.js';
import { ADMIN_TOKEN, type TestApp, testApp } from '../test-support/test-app.js';
import { ApiChecker, fetchDocument } from './test-support/api-document.js';

// Every route of the document, a request it accepts and one it refuses, in an order that
// builds the state the next needs (upload 2.0.0, activate 1.0.0, withdraw 2.0.0...). Each answer
// must be declared by the document: its status, its media type, and a body that validates
// against the schema declared for that status. A JSON body sent must fit the declared request
// schema exactly when the route accepts it: the parsers and the document agree.

let plugins: ReturnType<typeof tempPlugins>;
let t: TestApp;
let api: ApiChecker;

beforeAll(async () => {
  plugins = tempPlugins();
  plugins.versioned();
  t = await testApp(plugins.root, { TWINPLUG_ALLOW_NATIVE_UPLOADS: 'false' });
  api = await ApiChecker.of(await fetchDocument(t.app));
});

afterAll(async () => {
  await t?.close();
  plugins.cleanup();
});

const ADMIN = { authorization: `Bearer ${ADMIN_TOKEN}` };
const v2 = readFileSync(fixture('wasm/versioned-v2.wasm'));
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
const created: { id?: string; secret?: string } = {};

interface Case {
  /** The route as the document names it. */
  readonly route: string;
  readonly method: string;
  readonly what: string;
  /** The path sent, when it is not the route itself. */
  readonly path?: string | (() => string);
  readonly headers?: Record<string, string> | (() => Record<string, string>);
  /** Run just before the request. */
  readonly prepare?: () => void;
  readonly json?: unknown;
  readonly body?: RequestInit['body'];
  /** The JSON body is what is refused: it must not fit the declared schema either. */
  readonly badBody?: true;
  readonly status: number;
  /** The error code expected, for a refusal. */
  readonly code?: string;
}

const P = '/v1/admin/plugins/{name}';
// One case per line: the table reads better than its formatted form.
// biome-ignore format: a table
const CASES: Case[] = [
  { method: 'GET', route: '/healthz', what: 'up', status: 200 },
  { method: 'GET', route: '/readyz', what: 'ready', status: 200 },
  { method: 'GET', route: '/metrics', what: 'metrics', status: 200 },
  { method: 'GET', route: '/openapi.json', what: 'the document', status: 200 },
  { method: 'POST', route: '/v1/plugins/{ref}', path: '/v1/plugins/versioned', what: 'a call', body: 'x', status: 200 },
  { method: 'POST', route: '/v1/plugins/{ref}', path: '/v1/plugins/versioned@x.y', what: 'a bad pin', body: 'x', status: 400, code: 'BAD_REQUEST' },
  { method: 'POST', route: '/v1/plugins/{ref}', path: '/v1/plugins/missing', what: 'no such plugin', body: 'x', status: 404, code: 'PLUGIN_NOT_FOUND' },
  { method: 'POST', route: '/v1/plugins/{ref}', path: '/v1/plugins/versioned', what: 'a malformed key', headers: { authorization: 'Bearer x' }, body: 'x', status: 401, code: 'UNAUTHORIZED' },
  { method: 'GET', route: '/v1/admin/plugins', what: 'the list', headers: ADMIN, status: 200 },
  { method: 'GET', route: '/v1/admin/plugins', what: 'no key', status: 401, code: 'UNAUTHORIZED' },
  { method: 'GET', route: '/v1/admin/fleet', what: 'no fleet', headers: ADMIN, status: 200 },
  { method: 'GET', route: '/v1/admin/fleet', what: 'a wrong token', headers: { authorization: `Bearer ${ADMIN_TOKEN}x` }, status: 401, code: 'KEY_INVALID' },
  { method: 'GET', route: '/v1/admin/events', what: 'the events', headers: ADMIN, status: 200 },
  { method: 'GET', route: '/v1/admin/events', what: 'Basic', headers: { authorization: `Basic ${ADMIN_TOKEN}` }, status: 401, code: 'UNAUTHORIZED' },
  { method: 'GET', route: P, path: '/v1/admin/plugins/versioned', what: 'one plugin', headers: ADMIN, status: 200 },
  { method: 'GET', route: P, path: '/v1/admin/plugins/.hidden', what: 'a bad name', headers: ADMIN, status: 400, code: 'INVALID_PLUGIN_NAME' },
  { method: 'GET', route: P, path: '/v1/admin/plugins/missing', what: 'no such plugin', headers: ADMIN, status: 404, code: 'ROUTE_NOT_FOUND' },
  { method: 'POST', route: `${P}/versions`, path: '/v1/admin/plugins/versioned/versions', what: 'no X-Sha256', headers: ADMIN, body: v2, status: 400, code: 'SHA256_REQUIRED' },
  { method: 'POST', route: `${P}/versions`, path: '/v1/admin/plugins/versioned/versions?backend=dll', what: 'a bad backend', headers: { ...ADMIN, 'x-sha256': sha256(v2) }, body: v2, status: 400, code: 'BAD_REQUEST' },
  { method: 'POST', route: `${P}/versions`, path: '/v1/admin/plugins/versioned/versions', what: 'a wrong sha256', headers: { ...ADMIN, 'x-sha256': 'ab'.repeat(32) }, body: v2, status: 400, code: 'SHA256_MISMATCH' },
  { method: 'POST', route: `${P}/versions`, path: '/v1/admin/plugins/versioned/versions?backend=native', what: 'native refused', headers: { ...ADMIN, 'x-sha256': sha256(v2) }, body: v2, status: 403, code: 'NATIVE_UPLOAD_DISABLED' },
  { method: 'POST', route: `${P}/versions`, path: '/v1/admin/plugins/versioned/versions', what: 'an upload', headers: { ...ADMIN, 'x-sha256': sha256(v2) }, body: v2, status: 201 },
  { method: 'POST', route: `${P}/versions`, path: '/v1/admin/plugins/versioned/versions', what: 'the same build', headers: { ...ADMIN, 'x-sha256': sha256(v2) }, body: v2, status: 200 },
  { method: 'POST', route: `${P}/activate`, path: '/v1/admin/plugins/versioned/activate', what: 'activate 1.0.0', headers: ADMIN, json: { version: '1.0.0' }, status: 200 },
  { method: 'POST', route: `${P}/activate`, path: '/v1/admin/plugins/versioned/activate', what: 'no version', badBody: true, headers: ADMIN, json: { v: 1 }, status: 400, code: 'BAD_REQUEST' },
  { method: 'PUT', route: `${P}/traffic`, path: '/v1/admin/plugins/versioned/traffic', what: 'a split', headers: ADMIN, json: { weights: { '1.0.0': 80, '2.0.0': 20 }, rules: [{ header: 'X-Role', value: 'a', version: '2.0.0' }], stickyHeader: 'X-User' }, status: 200 },
  { method: 'PUT', route: `${P}/traffic`, path: '/v1/admin/plugins/versioned/traffic', what: 'an unknown key', badBody: true, headers: ADMIN, json: { weight: { '1.0.0': 1 } }, status: 400, code: 'INVALID_TRAFFIC' },
  { method: 'PUT', route: `${P}/traffic`, path: '/v1/admin/plugins/versioned/traffic', what: 'a bad rule', badBody: true, headers: ADMIN, json: { rules: [{ header: 'a b', value: 'x', version: '1.0.0' }] }, status: 400, code: 'INVALID_TRAFFIC' },
  { method: 'PUT', route: `${P}/traffic`, path: '/v1/admin/plugins/versioned/traffic', what: 'a bad If-Match', headers: { ...ADMIN, 'if-match': 'abc' }, json: {}, status: 400, code: 'BAD_REQUEST' },
  { method: 'POST', route: `${P}/withdraw`, path: '/v1/admin/plugins/versioned/withdraw', what: 'the active build', headers: ADMIN, json: { version: '1.0.0' }, status: 409, code: 'ROLLOUT_CONFLICT' },
  { method: 'POST', route: `${P}/withdraw`, path: '/v1/admin/plugins/versioned/withdraw', what: 'the previous build', headers: ADMIN, json: { version: '2.0.0' }, status: 200 },
  { method: 'POST', route: `${P}/rollback`, path: '/v1/admin/plugins/-x/rollback', what: 'a bad name', headers: ADMIN, status: 400, code: 'INVALID_PLUGIN_NAME' },
  { method: 'POST', route: `${P}/rollback`, path: '/v1/admin/plugins/versioned/rollback', what: 'a rollback', headers: ADMIN, status: 200 },
  { method: 'POST', route: '/v1/admin/keys', what: 'a caller key', headers: ADMIN, json: { role: 'caller', plugins: ['versioned'], label: 'ci', rps: 5, burst: 10 }, status: 201 },
  { method: 'POST', route: '/v1/admin/keys', what: 'an unknown role', badBody: true, headers: ADMIN, json: { role: 'root', plugins: ['*'] }, status: 400, code: 'BAD_REQUEST' },
  { method: 'GET', route: '/v1/admin/keys', what: 'the keys', headers: ADMIN, status: 200 },
  { method: 'GET', route: '/v1/admin/keys', what: 'a caller key', headers: () => ({ authorization: `Bearer ${created.secret}` }), status: 403, code: 'FORBIDDEN' },
  { method: 'DELETE', route: '/v1/admin/keys/{id}', path: () => `/v1/admin/keys/${created.id}`, what: 'a revocation', headers: ADMIN, status: 200 },
  { method: 'DELETE', route: '/v1/admin/keys/{id}', path: '/v1/admin/keys/nope', what: 'no such key', headers: ADMIN, status: 404, code: 'KEY_NOT_FOUND' },
  { method: 'GET', route: '/v1/admin/audit', path: '/v1/admin/audit?from=0&limit=5', what: 'a page', headers: ADMIN, status: 200 },
  { method: 'GET', route: '/v1/admin/audit', path: '/v1/admin/audit?limit=5000', what: 'too long a page', headers: ADMIN, status: 400, code: 'BAD_REQUEST' },
  { method: 'GET', route: '/v1/dashboard', what: 'the redacted view', status: 200 },
  { method: 'GET', route: '/v1/dashboard', what: 'the admin view', headers: ADMIN, status: 200 },
  { method: 'GET', route: '/v1/dashboard', what: 'a wrong secret', headers: { authorization: `Bearer ${ADMIN_TOKEN}x` }, status: 401, code: 'KEY_INVALID' },
  { method: 'GET', route: '/', what: 'the page', status: 200 },
  { method: 'GET', route: '/', what: 'a malformed secret', headers: { authorization: 'Digest x' }, status: 401, code: 'UNAUTHORIZED' },
  { method: 'DELETE', route: P, path: '/v1/admin/plugins/..%2Fevil', what: 'a path trick', headers: ADMIN, status: 400, code: 'INVALID_PLUGIN_NAME' },
  { method: 'DELETE', route: P, path: '/v1/admin/plugins/versioned', what: 'a removal', headers: ADMIN, status: 204 },
  { method: 'POST', route: `${P}/rollback`, path: '/v1/admin/plugins/versioned/rollback', what: 'a removed plugin', headers: ADMIN, status: 404, code: 'PLUGIN_NOT_FOUND' },
  { method: 'GET', route: '/readyz', what: 'shutting down', prepare: () => void t.service.close(), status: 503, code: 'NOT_READY' },
];

/** Routes with no request they refuse: no input, no key, nothing to be late for. */
const NOTHING_TO_REFUSE = new Set(['GET /healthz', 'GET /metrics', 'GET /openapi.json']);

const pathOf = (c: Case) => (typeof c.path === 'function' ? c.path() : (c.path ?? c.route));
const headersOf = (c: Case) => (typeof c.headers === 'function' ? c.headers() : c.headers);

async function send(c: Case): Promise<Response> {
  c.prepare?.();
  const body = c.json === undefined ? c.body : JSON.stringify(c.json);
  const init: RequestInit = { method: c.method, headers: headersOf(c) ?? {} };
  return t.app.request(pathOf(c), body === undefined ? init : { ...init, body });
}

describe('every route answers what the document declares', () => {
  for (const c of CASES)
    it(`${c.method} ${c.route}: ${c.what} → ${c.status}`, async () => {
      const response = await send(c);
      const body = await api.expectDeclared(c.method, c.route, response);
      expect(response.status, JSON.stringify(body)).toBe(c.status);
      if (c.code !== undefined)
        expect((body as { error: { code: string } }).error.code).toBe(c.code);
      if (c.json !== undefined)
        expect(api.requestFits(c.method, c.route, c.json), 'the body fits the schema').toBe(
          c.badBody !== true,
        );
      if (c.route === '/v1/admin/keys' && c.status === 201)
        Object.assign(created, {
          id: (body as { key: { id: string } }).key.id,
          secret: (body as { secret: string }).secret,
        });
      if (c.what === 'a call') expect(body).toBe('1.0.0:x');
    });

  it('has a good and a bad request for every route of the document', async () => {
    const document = await fetchDocument(t.app);
    for (const [path, operations] of Object.entries(document.paths))
      for (const method of Object.keys(operations)) {
        const route = `${method.toUpperCase()} ${path}`;
        const cases = CASES.filter((c) => `${c.method} ${c.route}` === route);
        expect(
          cases.some((c) => c.status < 400),
          `${route}: a good request`,
        ).toBe(true);
        if (!NOTHING_TO_REFUSE.has(route))
          expect(
            cases.some((c) => c.status >= 400),
            `${route}: a bad request`,
          ).toBe(true);
      }
  });
});
