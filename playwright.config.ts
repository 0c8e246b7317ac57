/**
 * End-to-end tests (`npm run test:e2e`), separate from vitest.
 *
 * - `browser-host`: the real renderer (built into out/renderer) in Chromium, served by the browser
 *   host with the real core and a real credit service per worker (fixtures in test/e2e/fixtures).
 *   Specs: test/e2e/ui/** (the renderer's) and test/e2e/fixtures/** (the bridge's own).
 * - `electron`: the packaged layout (out/main, out/preload, out/renderer) in Electron through
 *   Playwright's `_electron`; skips, saying why, where no Electron runtime is installed.
 *
 * The global setup builds the app when the build is older than the sources. Where Debian's
 * Chromium is installed (/usr/bin/chromium) it is used instead of Playwright's own download.
 */
import { existsSync } from 'node:fs';
import { defineConfig } from '@playwright/test';

const SYSTEM_CHROMIUM = '/usr/bin/chromium';

export default defineConfig({
  testDir: 'test/e2e',
  globalSetup: './test/e2e/fixtures/global-setup.ts',
  timeout: 60_000,
  expect: { timeout: 15_000 },
  // two cores: one worker keeps the service, the host and the browser from starving each other
  workers: 1,
  fullyParallel: false,
  retries: 0,
  reporter: [['list']],
  use: {
    trace: 'retain-on-failure',
    launchOptions: existsSync(SYSTEM_CHROMIUM)
      ? {
          executablePath: SYSTEM_CHROMIUM,
          args: [
            '--no-sandbox',
            '--disable-gpu',
            '--disable-background-networking',
            '--disable-component-update',
            '--disable-sync',
            '--no-first-run',
          ],
        }
      : {},
  },
  projects: [
    { name: 'browser-host', testMatch: ['ui/**/*.spec.ts', 'fixtures/**/*.spec.ts'] },
    { name: 'electron', testMatch: ['electron/**/*.spec.ts'] },
  ],
});
