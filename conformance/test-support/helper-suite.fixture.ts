// Run by conformance/vitest.test.ts in a child vitest, never by the project's own run: a
// describeConformance suite that must fail (a divergent twin) and must show its skips.
import { describeConformance } from '../vitest.js';
import { built, casesOf } from './built.js';

describeConformance({
  name: 'upper against a divergent twin',
  cases: casesOf('upper'),
  artifacts: [
    { label: 'upper (cc)', path: built('upper', 'cc') },
    { label: 'upper-divergent (asc)', path: built('upper-divergent', 'asc', 'fixture') },
    { label: 'upper (msvc)', skip: 'no MSVC on this machine' },
  ],
  fuzz: { runs: 1000, seed: 1 },
});

describeConformance({
  name: 'upper alone',
  cases: casesOf('upper'),
  artifacts: [built('upper', 'asc')],
});

describeConformance({
  name: 'nothing runs here',
  cases: casesOf('upper'),
  artifacts: [{ label: 'upper (msvc)', skip: 'no MSVC on this machine' }],
});
