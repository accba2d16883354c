#!/usr/bin/env node
import { type Command, EXIT_USAGE, UsageError } from './command.js';
import { callCommand } from './commands/call.js';
import { conformanceCommand } from './commands/conformance.js';
import { demoCommand } from './commands/demo.js';
import { inspectCommand } from './commands/inspect.js';
import { keysCommand } from './commands/keys.js';
import { newCommand } from './commands/new.js';
import { serveCommand } from './commands/serve.js';
import { watchCommand } from './commands/watch.js';
import { packageVersion } from './package-version.js';
import { useJsonErrors, writeError } from './report-error.js';

const COMMANDS: readonly Command[] = [
  serveCommand,
  callCommand,
  inspectCommand,
  conformanceCommand,
  watchCommand,
  demoCommand,
  keysCommand,
  newCommand,
];

const HELP_FLAGS: ReadonlySet<string> = new Set(['--help', '-h']);

function help(): string {
  const lines = COMMANDS.map((command) => `  ${command.usage}\n      ${command.summary}`);
  return `twinplug ${packageVersion()}: one plugin contract across native libraries and Wasm modules\n\nUsage:\n${lines.join('\n')}\n\nEvery command takes --help, and --json (errors as one JSON object on stderr).\n`;
}

function commandHelp(command: Command): string {
  return `usage: ${command.usage}\n\n${command.summary}\n`;
}

/** The arguments before `--`: flags after it belong to the plugin input, not to twinplug. */
function flagsBeforeDashes(args: readonly string[]): readonly string[] {
  const end = args.indexOf('--');
  return end === -1 ? args : args.slice(0, end);
}

async function main(argv: readonly string[]): Promise<number> {
  const flags = flagsBeforeDashes(argv);
  const json = flags.includes('--json');
  useJsonErrors(json);
  const [verb, ...rest] = argv.filter((arg, index) => arg !== '--json' || index >= flags.length);
  if (verb === '--version' || verb === '-V' || verb === 'version') {
    process.stdout.write(`${packageVersion()}\n`);
    return 0;
  }
  if (verb === undefined || HELP_FLAGS.has(verb) || verb === 'help') {
    process.stdout.write(help());
    return verb === undefined ? EXIT_USAGE : 0;
  }
  const command = COMMANDS.find((candidate) => candidate.name === verb);
  if (command === undefined) {
    writeError(undefined, { code: 'UNKNOWN_COMMAND', message: `unknown command "${verb}"` });
    if (!json) process.stderr.write(`\n${help()}`);
    return EXIT_USAGE;
  }
  if (flagsBeforeDashes(rest).some((arg) => HELP_FLAGS.has(arg))) {
    process.stdout.write(commandHelp(command));
    return 0;
  }
  try {
    return await command.run(rest, { json });
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    writeError(verb, {
      code: 'USAGE',
      message: `${error.message} (twinplug ${verb} --help)`,
      usage: command.usage,
    });
    return EXIT_USAGE;
  }
}

process.exitCode = await main(process.argv.slice(2));
