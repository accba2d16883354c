import { defineConfig } from 'vitest/config';

/** Runs only the describeConformance fixture suite, for conformance/vitest.test.ts. */
export default defineConfig({
  test: {
    include: ['conformance/test-support/*.fixture.ts'],
    testTimeout: 60_000,
    pool: 'forks',
  },
});
