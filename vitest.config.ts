import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Stops the run at once, with one message, when no Redis answers at REDIS_URL.
    globalSetup: ['test/global-setup.ts'],
    // Tests share one Redis; every test uses its own key prefix, but files still run
    // one at a time so timing-sensitive cases (rate limits, windows) are not starved of CPU.
    fileParallelism: false,
    testTimeout: 30_000,
    // In CI also write a JSON summary, from which .ci/run prints its closing "N passed, N failed" line.
    reporters: process.env.CI ? ['default', ['json', { outputFile: 'test-results.json' }]] : ['default'],
    hookTimeout: 30_000,
  },
});
