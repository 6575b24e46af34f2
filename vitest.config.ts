import { defineConfig } from 'vitest/config';

/** Three tiers: pure unit tests, API/realtime tests on a real store, browser tests in Chromium. */
export default defineConfig({
  test: {
    projects: [
      { test: { name: 'unit', include: ['test/unit/**/*.test.ts'], testTimeout: 60_000 } },
      {
        test: {
          name: 'api',
          globalSetup: ['test/support/pglite-snapshot.ts'],
          include: ['test/api/**/*.test.ts', 'test/realtime/**/*.test.ts', 'test/crowd/**/*.test.ts'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
          fileParallelism: false,
          // Files run one after another in one worker that keeps its modules: each file re-importing the server cost
          // 1-5 s (api tier 470 s with 65 s of imports; 341 s without). Each file opens its own store and app; what modules
          // keep between files is keyed by store or app (caches, held job locks) or stateless (the aggregation worker thread).
          isolate: false,
        },
      },
      {
        test: {
          name: 'e2e',
          globalSetup: ['test/support/pglite-snapshot.ts'],
          include: ['test/e2e/**/*.test.ts'],
          testTimeout: 180_000,
          hookTimeout: 180_000,
          fileParallelism: false,
          isolate: false,
        },
      },
    ],
  },
});
