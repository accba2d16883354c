import { readFile } from 'node:fs/promises';
import { type Isolation, type LoadPluginOptions, loadPlugin } from '../../runtime/index.js';
import { type Command, EXIT_OK, UsageError } from '../command.js';
import { parseCommandLine } from '../parse.js';
import { reportPluginError } from '../report-error.js';

async function readStdin(): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

async function readInput(values: {
  input?: string;
  'input-hex'?: string;
  'input-file'?: string;
}): Promise<Uint8Array> {
  const given = [values.input, values['input-hex'], values['input-file']].filter(
    (value) => value !== undefined,
  );
  if (given.length > 1)
    throw new UsageError('give at most one of --input, --input-hex, --input-file');
  if (values.input !== undefined) return new TextEncoder().encode(values.input);
  if (values['input-hex'] !== undefined) {
    const hex = values['input-hex'].replace(/\s+/g, '');
    if (!/^(?:[0-9a-fA-F]{2})*$/.test(hex))
      throw new UsageError('--input-hex takes an even number of hex digits');
    return Buffer.from(hex, 'hex');
  }
  if (values['input-file'] !== undefined) {
    try {
      return await readFile(values['input-file']);
    } catch (error) {
      throw new UsageError(`cannot read --input-file: ${(error as NodeJS.ErrnoException).code}`);
    }
  }
  return process.stdin.isTTY ? new Uint8Array(0) : readStdin();
}

function parseConfig(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  try {
    JSON.parse(text);
  } catch {
    throw new UsageError('--config takes JSON text');
  }
  return text;
}

/** The load options the flags give: --config, --isolation, --timeout. */
function loadOptions(
  path: string,
  values: { config?: string; isolation?: string; timeout?: string },
): LoadPluginOptions {
  const options: LoadPluginOptions = { path };
  const config = parseConfig(values.config);
  if (config !== undefined) options.config = config;
  // The runtime checks the mode (and refuses a worker for a native library) with a typed error.
  if (values.isolation !== undefined) options.isolation = values.isolation as Isolation;
  if (values.timeout !== undefined) {
    const timeoutMs = Number(values.timeout);
    if (!Number.isInteger(timeoutMs) || timeoutMs < 1)
      throw new UsageError('--timeout takes a whole number of milliseconds');
    options.timeoutMs = timeoutMs;
  }
  return options;
}

export const callCommand: Command = {
  name: 'call',
  usage:
    'twinplug call <artifact> [--input TEXT | --input-hex HEX | --input-file PATH] [--config JSON] [--hex] [--isolation in-process|worker|process] [--timeout MS]',
  summary:
    'Runs ProcessData once and writes the output bytes to stdout (stdin is the input when no --input is given); --isolation process runs an untrusted library in a child process.',
  async run(args) {
    const { values, positionals } = parseCommandLine(args, {
      input: { type: 'string' },
      'input-hex': { type: 'string' },
      'input-file': { type: 'string' },
      config: { type: 'string' },
      hex: { type: 'boolean', default: false },
      isolation: { type: 'string' },
      timeout: { type: 'string' },
    });
    if (positionals.length !== 1) throw new UsageError('give exactly one artifact');
    const input = await readInput(values);
    const options = loadOptions(positionals[0]!, values);
    try {
      const plugin = await loadPlugin(options);
      try {
        const output = await plugin.processData(input);
        process.stdout.write(values.hex ? `${Buffer.from(output).toString('hex')}\n` : output);
      } finally {
        await plugin.close();
      }
    } catch (error) {
      return reportPluginError('call', error);
    }
    return EXIT_OK;
  },
};
