import { describe, it } from 'vitest';
import { HOST_SAMPLE_NAMES, type HostSampleName } from '../scripts/artifacts.js';
import type { Grammar } from './fuzz/grammar.js';
import { capabilitiesOf, casesOf, hostSampleSkip, hostSampleTwins } from './test-support/built.js';
import { describeConformance } from './vitest.js';

const encode = (text: string) => new TextEncoder().encode(text);

/** Inputs that reach each sample's paths, from small alphabets so that state repeats. */
const GRAMMARS: Record<HostSampleName, Grammar> = {
  // Names that come back (kv_get finds them), forgets, and invalid ones (a space, too long).
  visits: {
    name: 'visitors',
    description: 'visitor names and forgets',
    inputs: (fc) =>
      fc
        .tuple(
          fc.constantFrom('', '-'),
          fc.string({ unit: fc.constantFrom('a', 'b', '~', ' '), maxLength: 3 }),
          fc.nat(80),
        )
        .map(([forget, name, long]) => encode(forget + (long > 70 ? 'x'.repeat(long - 6) : name))),
  },
  // Numbers with every separator, some out of range or malformed.
  stats: {
    name: 'number-lists',
    description: 'integers between separators',
    inputs: (fc) =>
      fc
        .array(
          fc.tuple(
            fc.oneof(
              fc.integer({ min: -999, max: 999 }).map(String),
              fc.constantFrom('1000000000000', '-', '1.5', '999999999999'),
            ),
            fc.constantFrom(' ', ',', '\n', '\t', '\r\n', ' , '),
          ),
          { maxLength: 40 },
        )
        .map((parts) => encode(parts.map(([number, separator]) => number + separator).join(''))),
  },
  // Words in both cases, quotes and control bytes, and now and then a byte that is not UTF-8.
  tally: {
    name: 'words',
    description: 'text of a few distinct words',
    inputs: (fc) =>
      fc
        .array(
          fc.constantFrom('the', 'The', 'cat', 'CAT', '"q"', '\\', '\u0001', 'é', ' ', '\n', '\t'),
          { maxLength: 60 },
        )
        .chain((words) =>
          fc.boolean().map((broken) => {
            const text = encode(words.join(' '));
            return broken ? Uint8Array.of(...text, 0xff) : text;
          }),
        ),
  },
};

// The samples that use the host: their cases on every build, then fuzzing, comparing outputs and
// host-call traces (log lines, kv reads and writes), under the grants of their plugin.json.
for (const name of HOST_SAMPLE_NAMES) {
  const skip = hostSampleSkip(name);
  if (skip !== undefined) {
    describe(name, () => it.skip(`${name}: skipped, no build here (${skip})`, () => {}));
    continue;
  }
  describeConformance({
    name: `${name}: conformance across its builds, side effects included`,
    cases: casesOf(name),
    artifacts: hostSampleTwins(name),
    capabilities: capabilitiesOf(name),
    fuzz: { runs: 2000, grammar: GRAMMARS[name] },
  });
}
