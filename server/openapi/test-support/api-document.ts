import { dereference } from '@readme/openapi-parser';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import { expect } from 'vitest';

interface Media {
  schema?: object;
}
export interface Operation {
  responses: Record<string, { content?: Record<string, Media> }>;
  requestBody?: { content: Record<string, Media> };
}
export interface ApiDocument {
  openapi: string;
  paths: Record<string, Record<string, Operation>>;
}

/** GET /openapi.json as the server answers it. */
export async function fetchDocument(app: {
  request(path: string): Response | Promise<Response>;
}): Promise<ApiDocument> {
  const response = await app.request('/openapi.json');
  expect(response.status).toBe(200);
  return (await response.json()) as ApiDocument;
}

/** Checks requests and responses against a document, its `$ref`s resolved. */
export class ApiChecker {
  readonly #ajv = new Ajv2020({ strict: false, allErrors: true });
  readonly #compiled = new WeakMap<object, ValidateFunction>();
  readonly #document: ApiDocument;

  private constructor(document: ApiDocument) {
    this.#document = document;
  }

  static async of(document: ApiDocument): Promise<ApiChecker> {
    return new ApiChecker(await dereference(structuredClone(document) as never));
  }

  operation(method: string, route: string): Operation {
    const operation = this.#document.paths[route]?.[method.toLowerCase()];
    if (operation === undefined) throw new Error(`${method} ${route} is not in the document`);
    return operation;
  }

  #validator(schema: object): ValidateFunction {
    let validate = this.#compiled.get(schema);
    if (validate === undefined) {
      validate = this.#ajv.compile(schema);
      this.#compiled.set(schema, validate);
    }
    return validate;
  }

  /** Whether a JSON request body fits the operation's declared body schema. */
  requestFits(method: string, route: string, body: unknown): boolean {
    const schema = this.operation(method, route).requestBody?.content['application/json']?.schema;
    if (schema === undefined) throw new Error(`${method} ${route} declares no JSON body`);
    return this.#validator(schema)(body);
  }

  /** Whether a JSON body fits the schema the operation declares for a status. */
  responseFits(method: string, route: string, status: number, body: unknown): boolean {
    const declared = this.operation(method, route).responses[String(status)];
    const schema = declared?.content?.['application/json']?.schema;
    if (schema === undefined) throw new Error(`${method} ${route} declares no JSON ${status}`);
    return this.#validator(schema)(body);
  }

  /**
   * Asserts that the operation declares the response's status and media type and, for JSON,
   * that the body validates against the declared schema. Returns the body (parsed JSON or text).
   */
  async expectDeclared(method: string, route: string, response: Response): Promise<unknown> {
    const where = `${method} ${route} → ${response.status}`;
    const declared = this.operation(method, route).responses[String(response.status)];
    expect(declared, `${where} is not declared`).toBeDefined();
    const mediaType = response.headers.get('content-type')?.split(';')[0]?.trim();
    const content = declared?.content;
    if (content === undefined) {
      expect(await response.text(), `${where} declares no body`).toBe('');
      return undefined;
    }
    expect(Object.keys(content), `${where} media type`).toContain(mediaType);
    if (mediaType !== 'application/json') return response.text();
    const body: unknown = await response.json();
    const validate = this.#validator(content[mediaType]!.schema!);
    expect(validate(body), `${where}: ${this.#ajv.errorsText(validate.errors)}`).toBe(true);
    return body;
  }
}
