import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { isValidPluginName } from '../../runtime/index.js';
import { type Command, EXIT_OK, UsageError } from '../command.js';
import { parseCommandLine } from '../parse.js';
import { assemblyScriptScaffold } from '../scaffold/assemblyscript.js';
import { cScaffold } from '../scaffold/c.js';
import { LANGUAGES, type Language, type Scaffold } from '../scaffold/files.js';
import { rustScaffold } from '../scaffold/rust.js';

const SCAFFOLDS: Readonly<Record<Language, (name: string) => Scaffold>> = {
  c: cScaffold,
  assemblyscript: assemblyScriptScaffold,
  rust: rustScaffold,
};

// npm install first: it puts twinplug, whose PDK every build uses, in node_modules.
const NEXT: Readonly<Record<Language, string>> = {
  c: 'npm install && sh build.sh',
  assemblyscript: 'npm install && npm run build',
  rust: 'npm install && sh build.sh',
};

/** Refuses a folder that holds anything: a scaffold never overwrites. */
async function checkEmpty(dir: string): Promise<void> {
  let entries: string[];
  try {
    entries = await readdir(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw new UsageError(`cannot use ${dir}: ${(error as NodeJS.ErrnoException).code}`);
  }
  if (entries.length > 0) throw new UsageError(`${dir} exists and is not empty`);
}

function parse(args: readonly string[]): { name: string; language: Language; dir: string } {
  const { values, positionals } = parseCommandLine(args, {
    lang: { type: 'string' },
    dir: { type: 'string' },
  });
  const [name, ...extra] = positionals;
  if (name === undefined) throw new UsageError('give the plugin name');
  if (extra.length > 0) throw new UsageError(`unexpected argument "${extra[0]}"`);
  if (!isValidPluginName(name))
    throw new UsageError(
      `"${name}" is not a plugin name: 1 to 128 of A-Z a-z 0-9 . _ -, starting with a letter or digit`,
    );
  const language = values.lang;
  if (language === undefined) throw new UsageError(`give --lang ${LANGUAGES.join('|')}`);
  if (!(LANGUAGES as readonly string[]).includes(language))
    throw new UsageError(`unknown language "${language}" (known: ${LANGUAGES.join(', ')})`);
  return { name, language: language as Language, dir: resolve(values.dir ?? '.', name) };
}

export const newCommand: Command = {
  name: 'new',
  usage: `twinplug new <name> --lang ${LANGUAGES.join('|')} [--dir DIR]`,
  summary:
    'Creates DIR/<name> (DIR: the current directory): a plugin source, its build script, plugin.json, cases.json with a first case and a CI workflow for conformance.',
  async run(args) {
    const { name, language, dir } = parse(args);
    await checkEmpty(dir);
    const scaffold = SCAFFOLDS[language](name);
    for (const [path, text] of scaffold.files) {
      const file = join(dir, path);
      await mkdir(dirname(file), { recursive: true });
      const mode = scaffold.executables.includes(path) ? 0o755 : 0o644;
      // 'wx': never through a file or link that appeared since the emptiness check.
      await writeFile(file, text, { flag: 'wx', mode });
    }
    process.stdout.write(
      `created ${dir} (${language}, ${scaffold.files.size} files)\n\nnext:\n  cd ${dir}\n  ${NEXT[language]}\n  npx twinplug conformance --plugin .\n`,
    );
    return EXIT_OK;
  },
};
