import { packageVersion } from '../package-version.js';

/** A scaffold: file paths relative to the plugin folder, their text, and which are scripts. */
export interface Scaffold {
  readonly files: ReadonlyMap<string, string>;
  readonly executables: readonly string[];
}

export const LANGUAGES = ['c', 'assemblyscript', 'rust'] as const;
export type Language = (typeof LANGUAGES)[number];

/** Where the package's shipped schemas are once `npm install` has put twinplug in node_modules. */
const SCHEMAS = './node_modules/twinplug/schemas';

const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;

/** Every scaffold's plugin logs a line per call: the one host API grant it needs. */
export function pluginJson(): string {
  return json({
    $schema: `${SCHEMAS}/plugin.schema.json`,
    limits: { timeoutMs: 5000 },
    capabilities: { log: true },
  });
}

/**
 * Shell lines setting $twinplug to the installed package's folder (its PDKs are in pdk/): the
 * one Node resolves from the plugin folder (node_modules here or in a parent folder), or
 * $TWINPLUG_DIR.
 */
export const FIND_TWINPLUG = `twinplug=\${TWINPLUG_DIR:-$(node -p "require('path').dirname(require.resolve('twinplug/package.json'))" 2>/dev/null || true)}
if [ -z "$twinplug" ] || [ ! -d "$twinplug/pdk" ]; then
  echo "twinplug's PDKs not found: run npm install here (or set TWINPLUG_DIR to the package)" >&2
  exit 1
fi
`;

export function casesJson(name: string): string {
  return json({
    $schema: `${SCHEMAS}/cases.schema.json`,
    plugin: name,
    cases: [
      { name: 'reverses', input: { utf8: 'hello' }, expect: { output: { utf8: 'olleh' } } },
      { name: 'empty input', input: { hex: '' }, expect: { output: { hex: '' } } },
    ],
  });
}

export function packageJson(name: string, build: string, devDependencies = {}): string {
  return json({
    name: `twinplug-plugin-${name.toLowerCase().replace(/[^a-z0-9._-]/g, '-')}`,
    version: '0.1.0',
    private: true,
    scripts: { build, test: 'twinplug conformance --plugin .' },
    devDependencies: { twinplug: `^${packageVersion()}`, ...devDependencies },
  });
}

/** GitHub Actions: build every backend, then conformance on the folder (exit 0 = twins agree). */
export function workflow(setup: string): string {
  return `# Builds the plugin's twins and runs twinplug conformance on them (docs/authoring.md).
name: conformance
on: [push, pull_request]
jobs:
  conformance:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-node@v4
        with:
          node-version: 22
${setup}      - run: npm install
      - run: npm run build
      - run: npx twinplug conformance --plugin . --fuzz 2000 --seed \${{ github.run_number }}
`;
}

export const GITIGNORE = 'node_modules/\ntarget/\n*.wasm\n*.so\n*.dylib\n*.dll\n';
