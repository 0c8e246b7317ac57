/**
 * Playwright for the web pages alone, in Debian's Chromium. JavaScript is turned off by the
 * specs' fixtures (support.ts): the pages must work without it. Run: npx playwright test --config test/e2e/web/playwright.web.config.ts
 * Each worker starts the real credit service in-process (test/e2e/web/support.ts).
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from '@playwright/test';

const root = fileURLToPath(new URL('../../../', import.meta.url));

export default defineConfig({
  testDir: '.',
  testMatch: /.*\.spec\.ts$/,
  outputDir: `${root}test-results/e2e-web`,
  workers: 1,
  fullyParallel: false,
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: [['list']],
  use: {
    browserName: 'chromium',
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    },
  },
});
