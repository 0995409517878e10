import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Tests share one Redis; every test uses its own key prefix, but files still run
    // one at a time so timing-sensitive cases (rate limits, windows) are not starved of CPU.
    fileParallelism: false,
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
