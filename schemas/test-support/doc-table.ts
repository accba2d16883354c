/** Documents the runtime's parser and the JSON Schema must both accept (`ok`) or both refuse. */
export interface Doc {
  readonly what: string;
  readonly ok: boolean;
  readonly doc: unknown;
  /** The schema's verdict where it differs on purpose: it cannot know the folder name or compare case names, and it is stricter on types. */
  readonly schemaOk?: boolean;
}

const good = (what: string, doc: unknown): Doc => ({ what: `accepts ${what}`, ok: true, doc });
const bad = (what: string, doc: unknown): Doc => ({ what: `refuses ${what}`, ok: false, doc });
const HASH = 'ab'.repeat(32);
const FUNCTIONS = {
  kind: 'functions',
  convention: 'string-buffer',
  process: 'int f(const char *in, char *out)',
};

export const MANIFEST_DOCS: readonly Doc[] = [
  good('an empty object', {}),
  good('$schema', { $schema: '../node_modules/twinplug/schemas/plugin.schema.json' }),
  bad('an array', []),
  bad('an unknown key', { timeout: 5 }),
  good('prefer', { prefer: 'wasm' }),
  bad('prefer elsewhere', { prefer: 'gpu' }),
  good('any config', { config: { currency: 'EUR', rates: [1, 2] } }),
  good('a pinned hash', { sha256: { 'p.wasm': HASH, 'p.so': HASH.toUpperCase() } }),
  {
    what: "refuses a hash for another plugin's file (the schema cannot know the folder name)",
    ok: false,
    schemaOk: true,
    doc: { sha256: { 'q.wasm': HASH } },
  },
  bad('a hash for a file that is no artifact', { sha256: { 'p.txt': HASH } }),
  bad('a short hash', { sha256: { 'p.wasm': 'abc' } }),
  good('limits', { limits: { timeoutMs: 100, maxQueuedCalls: 0, concurrency: 64 } }),
  bad('an unknown limit', { limits: { cpu: 1 } }),
  bad('a zero timeout', { limits: { timeoutMs: 0 } }),
  bad('concurrency over 64', { limits: { concurrency: 65 } }),
  bad('a fractional limit', { limits: { maxOutputBytes: 1.5 } }),
  bad('limits as an array', { limits: [] }),
  good('an isolation mode', { isolation: 'worker' }),
  good('isolation per backend', { isolation: { wasm: 'in-process', native: 'process' } }),
  bad('an unknown mode', { isolation: 'vm' }),
  bad('an unknown backend key', { isolation: { gpu: 'worker' } }),
  bad('a native worker', { isolation: { native: 'worker' } }),
  good('lazy, keepLoaded, force', { lazy: true, keepLoaded: false, force: true }),
  bad('lazy as text', { lazy: 'yes' }),
  good('idleUnloadMs', { idleUnloadMs: 1500 }),
  bad('idleUnloadMs 0', { idleUnloadMs: 0 }),
  good('a media type', { contentType: 'application/json; charset=utf-8' }),
  bad('a bare word as media type', { contentType: 'json' }),
  good('every capability', {
    capabilities: {
      log: true,
      kv: { maxBytes: 1000, maxKeyBytes: 16 },
      hostFunctions: ['geo.lookup'],
      hostCalls: { maxInputBytes: 10 },
      wasi: { clock: 'fixed', random: 'seeded', stdout: 'discard' },
    },
  }),
  good('no capability', { capabilities: {} }),
  bad('an unknown capability', { capabilities: { net: true } }),
  bad('log: false', { capabilities: { log: false } }),
  bad('a kv key bound over 4096', { capabilities: { kv: { maxKeyBytes: 5000 } } }),
  bad('a host function name with a space', { capabilities: { hostFunctions: ['geo lookup'] } }),
  bad('an unknown wasi clock', { capabilities: { wasi: { clock: 'slow' } } }),
  good('env names', { env: ['HOME', 'LANG'] }),
  bad('a TWINPLUG_ variable', { env: ['twinplug_ADMIN_TOKEN'] }),
  bad('a variable name starting with a digit', { env: ['1X'] }),
  good('an imodule adapter', { adapter: { kind: 'imodule', factory: 'Create', result: 'length' } }),
  good('a functions adapter', { adapter: FUNCTIONS }),
  good('a string-returned adapter with free', {
    adapter: { ...FUNCTIONS, convention: 'string-returned', free: 'void release(char *s)' },
  }),
  bad('an unknown adapter kind', { adapter: { kind: 'com' } }),
  bad('a functions adapter without process', { adapter: { ...FUNCTIONS, process: undefined } }),
  bad('free without string-returned', { adapter: { ...FUNCTIONS, free: 'void f(char *s)' } }),
  bad('a virtual destructor without cxxAbi', {
    adapter: { kind: 'imodule', virtualDestructor: 'first' },
  }),
  bad('a factory that is not a symbol', { adapter: { kind: 'imodule', factory: 'make it' } }),
  bad('info and pluginInfo', {
    adapter: {
      ...FUNCTIONS,
      info: 'const char *info(void)',
      pluginInfo: { name: 'p', version: '1.0.0' },
    },
  }),
  good('compare json', { compare: 'json' }),
  good('compare json float64', { compare: { kind: 'json', numbers: 'float64' } }),
  good('a decode artifact', { compare: { kind: 'decode', artifact: 'decoder.wasm' } }),
  good('a custom comparator', {
    compare: { kind: 'custom', module: 'compare.mjs', export: 'same' },
  }),
  bad('an unknown comparator', { compare: 'fuzzy' }),
  bad('a json numbers mode', { compare: { kind: 'json', numbers: 'int' } }),
  bad('a decoder with artifact and module', {
    compare: { kind: 'decode', artifact: 'a.wasm', module: 'b.mjs' },
  }),
  bad('an export that is not an identifier', {
    compare: { kind: 'custom', module: 'c.mjs', export: '1x' },
  }),
];

const CASE = { name: 'hello', input: { utf8: 'hi' }, expect: { output: { utf8: 'HI' } } };
const withCase = (fields: Record<string, unknown>) => ({ cases: [{ ...CASE, ...fields }] });

export const CASES_DOCS: readonly Doc[] = [
  good('no cases', { cases: [] }),
  good('a plugin name and a case', { $schema: 'x', plugin: 'upper', cases: [CASE] }),
  good('hex, base64 and repeat inputs', {
    cases: [
      { ...CASE, name: 'a', input: { hex: '00 ff' } },
      { ...CASE, name: 'b', input: { base64: 'aGk=' } },
      { ...CASE, name: 'c', input: { repeat: 'ab', count: 3 } },
    ],
  }),
  good('config as json', withCase({ config: { json: { a: 1 } } })),
  good('config as bytes', withCase({ config: { utf8: 'x' } })),
  good('a json expectation', withCase({ expect: { json: { a: [1] } } })),
  good(
    'an error expectation',
    withCase({ expect: { error: { code: 'PLUGIN_CALL_FAILED', pluginCode: -3 } } }),
  ),
  good('a comparator', { compare: { kind: 'json' }, cases: [] }),
  {
    what: 'refuses two cases of one name (JSON Schema cannot compare names)',
    ok: false,
    schemaOk: true,
    doc: { cases: [CASE, CASE] },
  },
  bad('no cases array', {}),
  bad('cases as an object', { cases: {} }),
  bad('a numeric plugin', { plugin: 1, cases: [] }),
  bad('a case without name', { cases: [{ input: CASE.input, expect: CASE.expect }] }),
  bad('an empty name', withCase({ name: '' })),
  bad('an unknown encoding', withCase({ input: { text: 'x' } })),
  bad('odd hex', withCase({ input: { hex: 'abc' } })),
  bad('bad base64', withCase({ input: { base64: '!!' } })),
  bad('a negative repeat count', withCase({ input: { repeat: 'a', count: -1 } })),
  bad('a file outside the folder', withCase({ input: { file: '../secret' } })),
  bad('an empty expectation', withCase({ expect: {} })),
  bad('two expectations', withCase({ expect: { output: { utf8: 'x' }, json: 1 } })),
  bad('an unknown error code', withCase({ expect: { error: { code: 'NOPE' } } })),
  bad(
    'a fractional plugin code',
    withCase({ expect: { error: { code: 'PLUGIN_CALL_FAILED', pluginCode: 1.5 } } }),
  ),
  bad('an unknown comparator', { compare: 'fuzzy', cases: [] }),
];

export const CONFIG_DOCS: readonly Doc[] = [
  good('an empty file', {}),
  good('$schema', { $schema: 'node_modules/twinplug/schemas/config.schema.json' }),
  good('top-level settings', {
    port: 9000,
    host: '::1',
    workers: 2,
    logLevel: 'debug',
    dashboard: 'off',
  }),
  good('sizes with units and numbers', { memoryBudget: '512MiB', maxBodyBytes: 1024 }),
  good('a NATS store', { store: 'nats://nats-1:4222,nats-2:4222' }),
  bad('a store that is not NATS', { store: 'http://nats-1:4222' }),
  bad('an empty store', { store: '' }),
  good('groups', {
    auth: { required: true, keysFile: 'keys.json' },
    audit: { file: 'audit.jsonl' },
    limits: { keyRps: 10, pluginBurst: 0 },
    canary: { errorRate: 0.5, stepWeight: 10 },
  }),
  {
    what: 'accepts a number written as text (the runtime reads the file as it reads the environment; the schema asks for JSON numbers)',
    ok: true,
    schemaOk: false,
    doc: { port: '8080' },
  },
  bad('an unknown setting', { nope: 1 }),
  bad('an unknown grouped setting', { canary: { nope: 1 } }),
  bad('a group as an array', { canary: [] }),
  bad('the admin token', { adminToken: 'x'.repeat(40) }),
  bad('a port out of range', { port: 70000 }),
  bad('zero workers', { workers: 0 }),
  bad('an unknown log level', { logLevel: 'loud' }),
  bad('a size without a number', { memoryBudget: 'lots' }),
  bad('a host with a space', { host: 'a b' }),
  bad('an error rate of 0', { canary: { errorRate: 0 } }),
  bad('an empty plugins path', { plugins: '' }),
  good('the object collection', { gc: { intervalMs: 0, graceMs: 60_000, keep: 0 } }),
  bad('an object collection grace under a minute', { gc: { graceMs: 59_999 } }),
];
