import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['**/*.test.ts'],
    // .cache/ holds test:windows's Wine prefix, whose dosdevices/z: links to the whole filesystem.
    exclude: [
      'node_modules/**',
      'dist/**',
      'build/**',
      'plugins-wasm/**',
      '.cache/**',
      '**/*.browser.test.ts',
    ],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
