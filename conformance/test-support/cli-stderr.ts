/**
 * The conformance CLI's stderr without its progress lines. Off a terminal the CLI writes one
 * (`fuzz: 256/2000 (12%), 7 s`) every five seconds of a run, and a loaded machine may take that
 * long on any run: a test asserting "nothing went wrong" reads what is left.
 */
export function stderrWithoutProgress(stderr: string): string {
  return stderr
    .split('\n')
    .filter((line) => !/^[a-z -]+: \d+\/\d+ \(\d+%\), \d+ s$/.test(line))
    .join('\n');
}
