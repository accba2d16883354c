/** What every command is told besides its own arguments. */
export interface CommandContext {
  /** `--json` was given: machine-readable output and errors. */
  readonly json: boolean;
}

/** One `twinplug <verb>`: its usage line and what it does. Returns the process exit code. */
export interface Command {
  readonly name: string;
  readonly usage: string;
  readonly summary: string;
  run(args: readonly string[], context: CommandContext): Promise<number>;
}

/** Exit codes shared by every command. */
export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

/** A mistake in the command line: main prints it with the usage and exits 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}
