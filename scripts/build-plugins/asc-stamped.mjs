// AssemblyScript fixtures that differ only in a few constants. asc has no compile-time defines,
// so each family is one template under plugins-wasm/fixtures/templates/ plus the rows below; the
// build stamps a row's values into a copy of the template under build/ and compiles the copy.
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { abs } from './util.mjs';

const TEMPLATES = 'plugins-wasm/fixtures/templates';

/**
 * The folder the stamped copies are written to and compiled from (asc's --baseDir). asc names
 * functions by their path from that folder and lays the module out in name order, so a copy
 * compiled from here gives the bytes the same text gives under plugins-wasm/fixtures/.
 */
export const STAMPED_DIR = 'build/asc-stamped';

// The server must keep plugins with these names as data (Maps), never as property names.
const PROTOTYPE_NAMES = [
  ['constructor', 'constructor'],
  ['toString', 'to-string'],
  ['hasOwnProperty', 'has-own-property'],
];

/**
 * One row per fixture: its name (the .wasm's), the template it is stamped from, and the values
 * of the template's `const` declarations that this build changes.
 */
export const STAMPED_FIXTURES = [
  // Two builds of one plugin, so a test can hot-swap them and see which answered.
  { name: 'versioned', template: 'versioned', set: {} },
  { name: 'versioned-v2', template: 'versioned', set: { VERSION: '2.0.0' } },
  ...PROTOTYPE_NAMES.flatMap(([name, file]) =>
    ['1', '2'].map((major) => ({
      name: `named-${file}-v${major}`,
      template: 'versioned',
      set: { NAME: name, VERSION: `${major}.0.0` },
    })),
  ),
];

/** The template's text with `const KEY = "...";` set to each value and relative imports rebased. */
function stamp(text, { template, set }, from, to) {
  let stamped = text;
  for (const [key, value] of Object.entries(set)) {
    const declaration = new RegExp(`^const ${key} = "[^"\\n]*";$`, 'gm');
    const found = stamped.match(declaration)?.length ?? 0;
    if (found !== 1) throw new Error(`${template}: ${found} declarations of ${key}, expected 1`);
    stamped = stamped.replace(declaration, `const ${key} = ${JSON.stringify(value)};`);
  }
  return stamped.replace(/((?:from|import)\s+")(\.\.?\/[^"]+)"/g, (_, head, specifier) => {
    const target = path.posix.join(path.posix.dirname(from), specifier);
    const rebased = path.posix.relative(path.posix.dirname(to), target);
    return `${head}${rebased.startsWith('.') ? rebased : `./${rebased}`}"`;
  });
}

/**
 * Writes each row's source under STAMPED_DIR (only when its text changed, so an unchanged copy
 * keeps its time and its .wasm stays fresh); returns one asc target a row.
 */
export async function stampFixtures() {
  if (!existsSync(abs(TEMPLATES))) return [];
  const targets = [];
  for (const row of STAMPED_FIXTURES) {
    const from = `${TEMPLATES}/${row.template}.ts`;
    const entry = `fixtures/${row.name}.ts`;
    const source = `${STAMPED_DIR}/${entry}`;
    const text = stamp(await readFile(abs(from), 'utf8'), row, from, source);
    const old = existsSync(abs(source)) ? await readFile(abs(source), 'utf8') : null;
    if (text !== old) {
      await mkdir(path.dirname(abs(source)), { recursive: true });
      await writeFile(abs(source), text);
    }
    targets.push({
      kind: 'fixture',
      name: row.name,
      source,
      baseDir: STAMPED_DIR,
      entry,
      output: `build/fixtures/wasm/${row.name}.wasm`,
    });
  }
  return targets;
}
