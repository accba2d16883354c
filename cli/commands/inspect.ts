import { inspectArtifact } from '../../runtime/index.js';
import { type Command, EXIT_OK, UsageError } from '../command.js';
import { parseCommandLine } from '../parse.js';
import { reportPluginError } from '../report-error.js';

export const inspectCommand: Command = {
  name: 'inspect',
  usage: 'twinplug inspect <artifact>',
  summary:
    "Prints JSON about an artifact: backend, format, abi, PluginInfo (with its version), exports, sha256, size, and a Windows DLL's VERSIONINFO fileVersion (null elsewhere).",
  async run(args) {
    const { positionals } = parseCommandLine(args, {});
    if (positionals.length !== 1) throw new UsageError('give exactly one artifact');
    try {
      const report = await inspectArtifact(positionals[0]!);
      // null rather than absent: the three identities (sha256, info.version, fileVersion) always show.
      const printed = { ...report, fileVersion: report.fileVersion ?? null };
      process.stdout.write(`${JSON.stringify(printed, null, 2)}\n`);
      return EXIT_OK;
    } catch (error) {
      return reportPluginError('inspect', error);
    }
  },
};
