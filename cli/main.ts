#!/usr/bin/env node
import { type Command, EXIT_USAGE, UsageError } from './command.js';
import { callCommand } from './commands/call.js';
import { conformanceCommand } from './commands/conformance.js';
import { demoCommand } from './commands/demo.js';
import { inspectCommand } from './commands/inspect.js';
import { watchCommand } from './commands/watch.js';

const COMMANDS: readonly Command[] = [
  callCommand,
  inspectCommand,
  conformanceCommand,
  watchCommand,
  demoCommand,
];

function help(): string {
  const lines = COMMANDS.map((command) => `  ${command.usage}\n      ${command.summary}`);
  return `twinplug: one plugin contract across native libraries and Wasm modules\n\nUsage:\n${lines.join('\n')}\n`;
}

async function main(argv: readonly string[]): Promise<number> {
  const [verb, ...args] = argv;
  if (verb === undefined || verb === '--help' || verb === '-h' || verb === 'help') {
    process.stdout.write(help());
    return verb === undefined ? EXIT_USAGE : 0;
  }
  const command = COMMANDS.find((candidate) => candidate.name === verb);
  if (command === undefined) {
    process.stderr.write(`twinplug: unknown command "${verb}"\n\n${help()}`);
    return EXIT_USAGE;
  }
  try {
    return await command.run(args);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`twinplug ${verb}: ${error.message}\nusage: ${command.usage}\n`);
    return EXIT_USAGE;
  }
}

process.exitCode = await main(process.argv.slice(2));
