/** A measured cost: nanoseconds per operation, the median of several timed rounds. */
export interface Measurement {
  readonly label: string;
  readonly nsPerOp: number;
}

export interface MeasureOptions {
  /** Operations per timed round. */
  readonly opsPerRound: number;
  /** Timed rounds; the median is reported (default 7). */
  readonly rounds?: number;
  /**
   * What a round's time is (default `wall`). `cpu` is this process's CPU time (user + system):
   * for contenders that run on this thread, on a loaded machine, where a round of a few
   * milliseconds is often descheduled and wall-clock rounds vary by 5x (CPU time by about 20 %).
   * Not for calls that wait on a worker or a child: their work is not this process's CPU time.
   */
  readonly clock?: 'wall' | 'cpu';
}

/** Nanoseconds on the chosen clock. */
function clockNs(clock: MeasureOptions['clock']): bigint {
  if (clock !== 'cpu') return process.hrtime.bigint();
  const usage = process.cpuUsage();
  return BigInt(usage.user + usage.system) * 1000n;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/** Runs `op` `count` times, awaiting only what returns a promise: a sync floor pays no await. */
async function runOps(op: () => unknown, count: number): Promise<void> {
  for (let index = 0; index < count; index += 1) {
    const result = op();
    if (result instanceof Promise) await result;
  }
}

/**
 * Times `op` (sync or async) in rounds after one warm-up round and reports the median round.
 * Rounds of the things being compared should interleave (see `compare`) so that a noisy
 * neighbour on a shared machine hurts both sides alike.
 */
export async function measure(
  label: string,
  op: () => unknown,
  options: MeasureOptions,
): Promise<Measurement> {
  const rounds = options.rounds ?? 7;
  const samples: number[] = [];
  for (let round = -1; round < rounds; round += 1) {
    const start = clockNs(options.clock);
    await runOps(op, options.opsPerRound);
    const elapsed = Number(clockNs(options.clock) - start) / options.opsPerRound;
    if (round >= 0) samples.push(elapsed);
  }
  return { label, nsPerOp: median(samples) };
}

/** Measures several contenders round by round, interleaved, and returns them in order. */
export async function compare(
  contenders: Record<string, () => unknown>,
  options: MeasureOptions,
): Promise<Record<string, Measurement>> {
  const rounds = options.rounds ?? 7;
  const samples = new Map<string, number[]>(Object.keys(contenders).map((label) => [label, []]));
  for (let round = -1; round < rounds; round += 1) {
    for (const [label, op] of Object.entries(contenders)) {
      const start = clockNs(options.clock);
      await runOps(op, options.opsPerRound);
      const elapsed = Number(clockNs(options.clock) - start) / options.opsPerRound;
      if (round >= 0) samples.get(label)!.push(elapsed);
    }
  }
  return Object.fromEntries(
    [...samples].map(([label, values]) => [label, { label, nsPerOp: median(values) }]),
  );
}

export function formatNs(ns: number): string {
  if (ns >= 1e6) return `${(ns / 1e6).toFixed(2)} ms`;
  if (ns >= 1e3) return `${(ns / 1e3).toFixed(2)} µs`;
  return `${ns.toFixed(0)} ns`;
}

/** "1.23x" plus whether it meets a target ratio (at most `target` unless `atLeast`). */
export function formatRatio(ratio: number, target?: { max?: number; min?: number }): string {
  const text = `${ratio.toFixed(2)}x`;
  if (target?.max !== undefined)
    return `${text} (target <= ${target.max}x: ${ratio <= target.max ? 'met' : 'MISSED'})`;
  if (target?.min !== undefined)
    return `${text} (target >= ${target.min}x: ${ratio >= target.min ? 'met' : 'MISSED'})`;
  return text;
}

/** Prints a table with left-aligned columns. */
export function printTable(header: readonly string[], rows: readonly (readonly string[])[]): void {
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)),
  );
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, column) => cell.padEnd(widths[column]!))
      .join('  ')
      .trimEnd();
  process.stdout.write(`${line(header)}\n${line(widths.map((width) => '-'.repeat(width)))}\n`);
  for (const row of rows) process.stdout.write(`${line(row)}\n`);
}
