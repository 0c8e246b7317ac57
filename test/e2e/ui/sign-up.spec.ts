/**
 * A new person, from the desktop: the app's sign-in tab links to sign-up; after creating the
 * account the tab goes back into the app's sign-in ("Continue as …") and the app is signed in to
 * the new free account. The confirmation mail is the service's printed line.
 */
import { expect, test } from '../fixtures/cutline';
import { chip, openEditor, shot } from './support';

test('sign up from the desktop’s sign-in tab, then go back into the app signed in', async ({ app, browserHost, context, service }, info) => {
  await openEditor(app, browserHost.url);
  await app.getByRole('button', { name: 'Sign in' }).click();
  const tab = await browserHost.signInTab(context);
  await tab.getByRole('link', { name: 'Create an account' }).click();
  await expect(tab.getByRole('heading', { name: 'Create your Cutline account' })).toBeVisible();
  await shot(tab, info, 'sign-up-form');

  const email = `new-${Date.now().toString(36)}@example.test`;
  await tab.getByLabel('Email').fill(email);
  await tab.getByLabel('Password').fill('short');
  await tab.getByRole('button', { name: 'Create account' }).click();
  // The browser keeps a too-short password from being sent (minlength); nothing left the page.
  await expect(tab.getByRole('heading', { name: 'Create your Cutline account' })).toBeVisible();
  await tab.getByLabel('Password').fill('a-good-long-password');
  await tab.getByRole('button', { name: 'Create account' }).click();
  await expect(tab.getByRole('heading', { name: 'Check your email' })).toBeVisible();
  await shot(tab, info, 'sign-up-check-email');

  await tab.getByRole('link', { name: 'Continue to the Cutline app' }).click();
  await tab.getByRole('button', { name: `Continue as ${email}` }).click();
  await tab.waitForURL(`${browserHost.url}/callback?**`);
  await expect(tab.getByRole('heading', { name: `You're signed in to Cutline as ${email} — you can close this tab` })).toBeVisible();

  await expect(app.getByTestId('account-email')).toHaveText(email);
  await expect(chip(app)).toHaveText('0 credits');
  await shot(app, info, 'signed-in-new-account');

  await expect.poll(() => service.server.printedMail.find((l) => l.startsWith(`cutline-mail to=${email} `))).toMatch(/subject="Confirm your email for Cutline" link=\S+\/verify\?token=/);
});
