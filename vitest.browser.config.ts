import { defineConfig } from 'vitest/config';

/** `npm run test:browser`: the dashboard in Debian's headless Chromium (scripts/install-browser.sh). */
export default defineConfig({
  test: {
    include: ['**/*.browser.test.ts'],
    exclude: ['node_modules/**', 'dist/**', 'build/**', 'plugins-wasm/**', '.cache/**'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
