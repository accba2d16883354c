import { cpus, totalmem } from 'node:os';

/** A benchmark suite: prints its own table of figures and ratios. */
export interface BenchSuite {
  readonly name: string;
  run(): Promise<void>;
}

const SUITES: Record<string, () => Promise<{ suite: BenchSuite }>> = {
  'call-overhead': () => import('./suites/call-overhead.js'),
  'hot-swap': () => import('./suites/hot-swap.js'),
  'host-calls': () => import('./suites/host-calls.js'),
  'fuzz-throughput': () => import('./suites/fuzz-throughput.js'),
  isolation: () => import('./suites/isolation.js'),
  server: () => import('./suites/server.js'),
};

const wanted = process.argv.slice(2);
const unknown = wanted.filter((name) => !(name in SUITES));
if (unknown.length > 0) {
  process.stderr.write(
    `unknown suite(s): ${unknown.join(', ')}; known: ${Object.keys(SUITES).join(', ')}\n`,
  );
  process.exit(2);
}
const cpu = cpus()[0]?.model ?? 'unknown CPU';
process.stdout.write(
  `twinplug bench on ${cpu}, ${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}\n`,
);
for (const name of wanted.length > 0 ? wanted : Object.keys(SUITES)) {
  const { suite } = await SUITES[name]!();
  process.stdout.write(`\n== ${suite.name} ==\n`);
  await suite.run();
}
