import { SAMPLE_NAMES, type SampleName } from '../scripts/artifacts.js';
import { casesOf, sampleTwins } from './test-support/built.js';
import type { ConformanceFuzz } from './vitest.js';
import { describeConformance } from './vitest.js';

/** Words that match often (a one-letter word), overlap ("ab" before "a") and a mask far longer than them, so outputs outgrow the first buffer and the host retries. */
const REDACT_CONFIG = {
  words: ['secret', 'hunter2', 'ab', 'a', 'Z9'],
  mask: '<REDACTED-BY-TWINPLUG>',
};

const FUZZ: Record<SampleName, ConformanceFuzz> = {
  upper: { grammar: 'bytes' },
  crc32: { grammar: 'bytes' },
  // 64 KiB lets orders reach the 1000-item limit (-4).
  pricing: { grammar: 'pricing-order', maxSize: 64 * 1024 },
  redact: { grammar: 'redact-text' },
};

// Every sample: its cases on every twin, then 10,000 fuzz inputs compared across them. A twin
// whose toolchain is missing here shows up as a skipped test naming the reason.
for (const name of SAMPLE_NAMES) {
  describeConformance({
    name: `${name}: conformance across its twins`,
    cases: casesOf(name),
    artifacts: sampleTwins(name),
    ...(name === 'redact' && { config: REDACT_CONFIG }),
    fuzz: { runs: 10_000, ...FUZZ[name] },
  });
}
