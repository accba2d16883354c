import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { afterAll, describe, expect, it } from 'vitest';
import { FUNCTION_CONVENTIONS } from '../runtime/adapter-options.js';
import { parseCaseFile } from '../runtime/cases/case-file.js';
import { COMPARATOR_KINDS } from '../runtime/cases/comparator-spec.js';
import { PLUGIN_ERROR_CODES } from '../runtime/errors.js';
import { ISOLATIONS } from '../runtime/guard-options.js';
import { keysIn } from '../runtime/option-table.js';
import { MANIFEST_KEYS, parseManifest } from '../runtime/plugin-folder/manifest.js';
import { FIELDS } from '../server/config/fields.js';
import { loadConfig } from '../server/config/load-config.js';
import { CASES_DOCS, CONFIG_DOCS, type Doc, MANIFEST_DOCS } from './test-support/doc-table.js';

const here = dirname(fileURLToPath(import.meta.url));
const root = dirname(here);
const read = (name: string) => JSON.parse(readFileSync(join(here, name), 'utf8'));
const pluginSchema = read('plugin.schema.json');
const casesSchema = read('cases.schema.json');
const configSchema = read('config.schema.json');

const ajv = new Ajv2020({ allErrors: true, allowUnionTypes: true });
ajv.addSchema([pluginSchema, casesSchema, configSchema]);
const validate = (schema: { $id: string }) => ajv.getSchema(schema.$id)!;

const SKIP = new Set(['node_modules', 'build', 'dist', 'target', '.git', 'schemas']);

function committedFiles(dir: string, out: string[] = []): string[] {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (SKIP.has(entry.name)) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) committedFiles(path, out);
    else if (/^(plugin|cases|twinplug\.config)\.json$|\.cases\.json$/.test(entry.name))
      out.push(path);
  }
  return out;
}

const schemaFor = (file: string) =>
  basename(file) === 'plugin.json'
    ? pluginSchema
    : basename(file) === 'twinplug.config.json'
      ? configSchema
      : casesSchema;

describe('every committed plugin.json, cases.json and twinplug.config.json', () => {
  const files = committedFiles(root);
  it('are found', () => {
    expect(files.some((file) => basename(file) === 'plugin.json')).toBe(true);
    expect(files.some((file) => basename(file) === 'cases.json')).toBe(true);
  });
  it.each(files.map((file) => [file.slice(root.length + 1), file]))('%s validates', (_, file) => {
    const check = validate(schemaFor(file));
    const ok = check(JSON.parse(readFileSync(file, 'utf8')));
    expect(check.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
  });
  it("and each schema's own examples validate", () => {
    for (const schema of [pluginSchema, casesSchema, configSchema])
      for (const example of schema.examples) expect(validate(schema)(example)).toBe(true);
  });
});

describe('the schemas list exactly the keys of the runtime tables', () => {
  const keys = (value: object) => Object.keys(value).sort();
  it('plugin.json: every manifest key, the limits layer, isolation modes, conventions, comparators', () => {
    expect(keys(pluginSchema.properties)).toEqual([...MANIFEST_KEYS].sort());
    expect(keys(pluginSchema.properties.limits.properties)).toEqual([...keysIn('limits')].sort());
    expect(pluginSchema.$defs.isolationMode.enum).toEqual(ISOLATIONS);
    const functions = pluginSchema.$defs.adapter.oneOf[1].properties;
    expect(functions.convention.enum).toEqual(FUNCTION_CONVENTIONS);
    const kinds = pluginSchema.$defs.compare.oneOf
      .slice(1)
      .map((entry: { properties: { kind: { const: string } } }) => entry.properties.kind.const);
    expect([...new Set(kinds)]).toEqual(COMPARATOR_KINDS);
  });
  it('cases.json: every error code', () => {
    const error = casesSchema.$defs.case.properties.expect.properties.error;
    expect(error.properties.code.enum).toEqual(PLUGIN_ERROR_CODES);
  });
  it('twinplug.config.json: every setting of server/config/fields.ts, grouped as the file groups them', () => {
    const listed: string[] = [];
    for (const [key, value] of Object.entries(configSchema.properties)) {
      if (key === '$schema') continue;
      const nested = (value as { properties?: object }).properties;
      if (nested === undefined) listed.push(key);
      else for (const child of Object.keys(nested)) listed.push(`${key}.${child}`);
    }
    expect(listed.sort()).toEqual(Object.keys(FIELDS).sort());
  });
});

function runtimeAccepts(parse: () => unknown): boolean {
  try {
    parse();
    return true;
  } catch {
    return false;
  }
}

const temp = mkdtempSync(join(tmpdir(), 'twinplug-schemas-'));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

function configAccepted(doc: unknown): boolean {
  const file = join(temp, 'twinplug.config.json');
  writeFileSync(file, JSON.stringify(doc));
  return runtimeAccepts(() => loadConfig({ file, env: {}, cwd: temp }));
}

const RUNTIME: Record<string, (doc: unknown) => boolean> = {
  plugin: (doc) =>
    runtimeAccepts(() => parseManifest(JSON.stringify(doc), 'p', join(temp, 'plugin.json'))),
  cases: (doc) => runtimeAccepts(() => parseCaseFile(JSON.stringify(doc), temp)),
  config: configAccepted,
};

describe.each([
  ['plugin', pluginSchema, MANIFEST_DOCS],
  ['cases', casesSchema, CASES_DOCS],
  ['config', configSchema, CONFIG_DOCS],
] as const)('%s: the runtime and the schema agree', (kind, schema, docs: readonly Doc[]) => {
  it.each(docs.map((doc) => [doc.what, doc]))('%s', (_, doc) => {
    expect(RUNTIME[kind]!(doc.doc)).toBe(doc.ok);
    expect(validate(schema)(doc.doc)).toBe(doc.schemaOk ?? doc.ok);
  });
});
