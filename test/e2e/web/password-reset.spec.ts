/**
 * "Forgot password" as a person does it, with JavaScript off: the link from the mail (the
 * service's printed line), a new password, and every browser that was signed in signed out.
 */
import { newUser } from '@cutline/service/test/helpers/client';
import { printedMails } from '@cutline/service/test/helpers/mail-lines';
import { expect, shot, signInThroughPage, test } from './support';

test('forgot → reset: the old sessions are gone, the new password signs in', async ({ page, browser, server }, info) => {
  const user = await newUser(server.url);
  // A browser signed in before the reset (another computer).
  await signInThroughPage(page, user.email, 'password-123');

  const other = await browser.newContext({ baseURL: server.url, javaScriptEnabled: false });
  try {
    const tab = await other.newPage();
    await tab.goto('/signin');
    await tab.getByRole('link', { name: 'Forgot your password?' }).click();
    await expect(tab.getByRole('heading', { name: 'Reset your password' })).toBeVisible();
    await tab.getByLabel('Email').fill(user.email);
    await tab.getByRole('button', { name: 'Send me a link' }).click();
    await expect(tab.getByRole('heading', { name: 'Check your email' })).toBeVisible();
    await expect(tab.getByText(`If a Cutline account uses ${user.email}, we sent it a link`)).toBeVisible();
    await shot(tab, info, 'forgot-sent');

    await expect.poll(() => printedMails(server.printedMail).filter((m) => m.to === user.email).length).toBe(1);
    const mail = printedMails(server.printedMail).find((m) => m.to === user.email)!;
    expect(mail.subject).toBe('Reset your Cutline password');
    await tab.goto(mail.link);
    await expect(tab.getByRole('heading', { name: 'Set a new password' })).toBeVisible();
    await tab.getByLabel('New password').fill('my-brand-new-password');
    await tab.getByRole('button', { name: 'Set new password' }).click();
    await expect(tab.getByRole('heading', { name: 'Your password is changed' })).toBeVisible();
    await shot(tab, info, 'reset-done');

    // The link is used up.
    const again = await tab.goto(mail.link);
    expect(again?.status()).toBe(410);
    await expect(tab.getByRole('heading', { name: 'This link was already used' })).toBeVisible();
    await shot(tab, info, 'reset-link-used');

    // The browser signed in before is signed out.
    await page.goto('/credits');
    await expect(page).toHaveURL(/\/signin\?next=%2Fcredits$/);

    // The old password no longer works; the new one does.
    await page.getByLabel('Email').fill(user.email);
    await page.getByLabel('Password').fill('password-123');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.getByRole('alert')).toHaveText('That email and password do not match an account.');
    await page.getByLabel('Password').fill('my-brand-new-password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page).toHaveURL(/\/credits$/);
  } finally {
    await other.close();
  }
});

test('sign-up on the web, with JavaScript off: signed in to the new free account', async ({ page, server }, info) => {
  const email = `web-${Date.now().toString(36)}@example.test`;
  await page.goto('/signin');
  await page.getByRole('link', { name: 'Create an account' }).click();
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill('a-good-long-password');
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page.getByRole('heading', { name: 'Check your email' })).toBeVisible();
  await page.getByRole('link', { name: 'Continue to your credits' }).click();
  await expect(page).toHaveURL(/\/credits$/);
  await expect(page.getByText(email)).toBeVisible();
  await shot(page, info, 'signed-up-credits');

  await expect.poll(() => printedMails(server.printedMail).find((m) => m.to === email)?.subject).toBe('Confirm your email for Cutline');
  await page.goto(printedMails(server.printedMail).find((m) => m.to === email)!.link);
  await expect(page.getByRole('heading', { name: 'Your email is confirmed' })).toBeVisible();
});
