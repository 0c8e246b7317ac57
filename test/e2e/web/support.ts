/** Fixtures for the web specs: the real credit service (one per worker), sign-in through the page, screenshots. */
import { test as base, expect, type Page, type TestInfo } from '@playwright/test';
import { call, charge, grant, newUser, signIn } from '@cutline/service/test/helpers/client';
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

/**
 * A new free account with a history of three actions: 30 winter-campaign activity credits
 * expiring in 48 h, a Remove Background spent on a phone, an Auto Captions held on a desktop and
 * returned (failed). Returns the account and its API tokens.
 */
export async function accountWithHistory(server: TestServer) {
  const user = await newUser(server.url);
  await grant(server.url, user.id, 'activity', 30, new Date(Date.now() + 48 * 3_600_000).toISOString(), 'campaign:winter');
  const t = await signIn(server.url, user.email, 'password-123');
  const spent = await charge(server.url, t.access_token, 'remove-background', { id: 'cli-mobile-4f2a9c', platform: 'mobile' });
  await call(server.url, 'POST', `/v1/charges/${spent.body.charge.id}/capture`, { token: t.access_token });
  const failed = await charge(server.url, t.access_token, 'auto-captions', { id: 'desk-81b2e0', platform: 'desktop' });
  await call(server.url, 'POST', `/v1/charges/${failed.body.charge.id}/release`, { token: t.access_token, body: { reason: 'failed' } });
  return { user, tokens: t };
}
