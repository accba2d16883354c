import { compileErrors, validate } from '@readme/openapi-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempPlugins } from '../test-support/plugins-folder.js';
import { type TestApp, testApp } from '../test-support/test-app.js';
import { type ErrorCode, statusOf } from './error-responses.js';
import { ApiChecker, type ApiDocument, fetchDocument } from './test-support/api-document.js';

interface ErrorResponse {
  content: {
    'application/json': {
      schema: {
        allOf: [
          { $ref: string },
          { properties: { error: { properties: { code: { enum: ErrorCode[] } } } } },
        ];
      };
    };
  };
}

let plugins: ReturnType<typeof tempPlugins>;
let t: TestApp;
let document: ApiDocument;

beforeAll(async () => {
  plugins = tempPlugins();
  plugins.versioned();
  t = await testApp(plugins.root);
  document = await fetchDocument(t.app);
});

afterAll(async () => {
  await t.close();
  plugins.cleanup();
});

/**
 * Routes the app serves, as `METHOD /path/{param}`. Middleware is left out: registered for ALL
 * or at a wildcard path (the trace ID on `*` and `/v1/admin/*`); no route answers at a wildcard.
 */
function servedRoutes(): string[] {
  const routes = t.app.routes
    .filter((route) => route.method !== 'ALL' && !route.path.includes('*'))
    .map((route) => `${route.method} ${route.path.replaceAll(/:([^/]+)/g, '{$1}')}`);
  return [...new Set(routes)].sort();
}

function documentedRoutes(): string[] {
  return Object.entries(document.paths)
    .flatMap(([path, operations]) =>
      Object.keys(operations).map((method) => `${method.toUpperCase()} ${path}`),
    )
    .sort();
}

describe('GET /openapi.json', () => {
  it('is an OpenAPI 3.1 document that a real validator accepts', async () => {
    expect(document.openapi).toBe('3.1.0');
    const result = await validate(structuredClone(document) as never);
    expect(result.valid, result.valid ? '' : compileErrors(result)).toBe(true);
  });

  it('would be refused by that validator when broken (it checks 3.1, not only parses)', async () => {
    const broken = structuredClone(document) as unknown as {
      paths: Record<string, Record<string, { responses: unknown }>>;
    };
    broken.paths['/healthz']!.get!.responses = { 200: { content: {} } }; // no description
    expect((await validate(broken as never)).valid).toBe(false);
  });

  it('describes every route the app serves, and nothing it does not', () => {
    const served = servedRoutes();
    // Hono registers every handler of a route; a route registered twice would show once here.
    expect(served.length).toBeGreaterThan(15);
    expect(documentedRoutes()).toEqual(served);
  });

  it('declares errors as the JSON error body, each code under the status the tables give it', () => {
    let checked = 0;
    for (const [path, operations] of Object.entries(document.paths))
      for (const [method, operation] of Object.entries(operations)) {
        const responses = operation.responses as Record<string, ErrorResponse>;
        expect(Object.keys(responses), `${method} ${path}`).toContain('500');
        for (const [status, response] of Object.entries(responses)) {
          if (Number(status) < 400) continue;
          const [body, narrowed] = response.content['application/json'].schema.allOf;
          expect(body.$ref).toBe('#/components/schemas/ErrorBody');
          const codes = narrowed.properties.error.properties.code.enum;
          for (const code of codes)
            expect(statusOf(code), `${method} ${path} ${code}`).toBe(Number(status));
          checked += codes.length;
        }
      }
    expect(checked).toBeGreaterThan(100);
  });

  it('writes the error body once: routes refer to it, and the codes a route lists are all it allows', async () => {
    expect(JSON.stringify(document).split('"pluginCode"').length - 1).toBe(1);
    const api = await ApiChecker.of(document);
    const notFound = { error: { code: 'KEY_NOT_FOUND', message: 'x', traceId: 't' } };
    expect(api.responseFits('DELETE', '/v1/admin/keys/{id}', 404, notFound)).toBe(true);
    const otherCode = { error: { ...notFound.error, code: 'PLUGIN_NOT_FOUND' } };
    expect(api.responseFits('DELETE', '/v1/admin/keys/{id}', 404, otherCode)).toBe(false);
    const noTrace = { error: { code: 'KEY_NOT_FOUND', message: 'x' } };
    expect(api.responseFits('DELETE', '/v1/admin/keys/{id}', 404, noTrace)).toBe(false);
  });
});
