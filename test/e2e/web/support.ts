/** Fixtures for the web specs: the real credit service (one per worker), sign-in through the page, screenshots. */
import { test as base, expect, type Page, type TestInfo } from '@playwright/test';
import { startTestServer, type TestServer } from '@cutline/service/test/helpers/server';

export const test = base.extend<object, { server: TestServer }>({
  server: [
    async ({}, use) => {
      const server = await startTestServer();
      await use(server);
      await server.close();
    },
    { scope: 'worker' },
  ],
  baseURL: async ({ server }, use) => use(server.url),
  // The pages must work without JavaScript, whichever config runs these specs.
  javaScriptEnabled: false,
});
export { expect };

export const DEMO_PASSWORD = 'cutline-demo';

/** Signs in through /signin as a person would, from a page that asked for it. */
export async function signInThroughPage(page: Page, email: string, password = DEMO_PASSWORD, path = '/credits'): Promise<void> {
  await page.goto(path);
  await expect(page).toHaveURL(new RegExp(`/signin\\?next=${encodeURIComponent(path).replace(/[?]/g, '\\?')}`));
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(new RegExp(`${path.replace(/[?]/g, '\\?')}$`));
}

/** A full-page screenshot in this test's output folder. */
export async function shot(page: Page, info: TestInfo, name: string): Promise<void> {
  await page.screenshot({ path: info.outputPath(`${name}.png`), fullPage: true });
}
