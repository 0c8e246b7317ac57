import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Two cores on the CI machine: keep parallelism modest so integration servers don't starve.
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // the desktop's tests and every workspace package's (each package also runs its own: npm test -w …)
    include: ['test/**/*.test.ts', 'test/**/*.test.tsx', 'packages/*/test/**/*.test.ts'],
    exclude: ['test/e2e/**', '**/node_modules/**'],
    environment: 'node',
    // One throwaway PostgreSQL cluster per run (CUTLINE_TEST_PG_URL) for the PostgreSQL store's tests.
    globalSetup: ['packages/service/test/helpers/pg-global-setup.ts'],
    server: { deps: { inline: ['electron-store'] } },
  },
});
