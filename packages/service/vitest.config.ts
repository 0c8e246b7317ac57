import { defineConfig } from 'vitest/config';

// This package's own tests (`npm test` here); the repository root's `npm test` runs them too.
export default defineConfig({
  test: {
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 60_000,
    include: ['test/**/*.test.ts'],
    environment: 'node',
    // One throwaway PostgreSQL cluster per run (CUTLINE_TEST_PG_URL) for the PostgreSQL store's tests.
    globalSetup: ['test/helpers/pg-global-setup.ts'],
  },
});
