/**
 * Every web page of the service, reached with JavaScript off as a person would, passes axe-core
 * (WCAG 2.0/2.1 A and AA, colour contrast included) in the light and the dark colour scheme with
 * no serious or critical violation: sign-in (and its messages), the desktop's authorize page (and
 * "Continue as"), /credits with history and chart, the store, checkout and order, /pricing,
 * /upgrade and its welcome, the exchange with its confirm, result and refusal, the handoff pages
 * (used, expired, a link that points elsewhere), sign-up with its mail-sent and confirmation
 * pages, forgot / reset password with theirs, the 404 page and /admin/crash-reports. No rule is
 * turned off.
 */
import { randomBytes } from 'node:crypto';
import { admin, call, newUser } from '@cutline/service/test/helpers/client';
import { CLIENT_ID, REDIRECT_URI } from '@cutline/contract/oauth-client';
import { printedMails } from '@cutline/service/test/helpers/mail-lines';
import { expectAccessibleWithoutScript as expectAccessible } from '../fixtures/axe';
import { accountWithHistory, expect, signInThroughPage, test } from './support';

/** A well-formed authorize URL, as the desktop opens it. */
function authorizeUrl(): string {
  const q = new URLSearchParams({
    response_type: 'code',
    client_id: CLIENT_ID,
    redirect_uri: REDIRECT_URI,
    state: randomBytes(16).toString('base64url'),
    code_challenge: randomBytes(32).toString('base64url'),
    code_challenge_method: 'S256',
  });
  return `/oauth/authorize?${q}`;
}

test('signed out: sign-in and its messages, the authorize page, pricing, 404, expired and foreign handoff links', async ({ page }, info) => {
  test.setTimeout(180_000);
  await page.goto('/signin');
  await expectAccessible(page, info, 'sign-in');
  await page.getByLabel('Email').fill('nobody@cutline.test');
  await page.getByLabel('Password').fill('wrong');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('alert')).toBeVisible();
  await expectAccessible(page, info, 'sign-in with an error');
  await page.goto('/signin?signedout=1');
  await expect(page.getByRole('status')).toHaveText('You are signed out.');
  await expectAccessible(page, info, 'signed out');

  await page.goto(authorizeUrl());
  await expectAccessible(page, info, 'authorize');

  await page.goto('/pricing');
  await expectAccessible(page, info, 'pricing, signed out');
  await page.goto('/no/such/page');
  await expect(page.getByRole('heading', { name: 'Page not found' })).toBeVisible();
  await expectAccessible(page, info, '404');
  await page.goto(`/handoff?code=${'x'.repeat(32)}`);
  await expect(page.getByRole('heading', { name: 'This sign-in link has expired' })).toBeVisible();
  await expectAccessible(page, info, 'handoff link expired');
  await page.goto(`/handoff?code=${'x'.repeat(32)}&next=/elsewhere`);
  await expect(page.getByRole('heading', { name: 'This link cannot be used' })).toBeVisible();
  await expectAccessible(page, info, 'handoff link pointing elsewhere');
});

test('credits with history and chart, the store, checkout and order, a used handoff link, Continue as', async ({ page, server }, info) => {
  test.setTimeout(180_000);
  const { user, tokens: t } = await accountWithHistory(server);

  await signInThroughPage(page, user.email, 'password-123', '/credits');
  await expect(page.locator('#history tbody tr')).toHaveCount(3);
  await expectAccessible(page, info, 'credits');

  await page.goto('/store');
  await expectAccessible(page, info, 'store');
  await page.getByRole('link', { name: 'Buy 500 credits' }).click();
  await expectAccessible(page, info, 'checkout');
  await page.getByRole('button', { name: 'Pay $19.99 (simulated)' }).click();
  await expect(page.getByRole('heading', { name: 'Thank you: 500 credits added' })).toBeVisible();
  await expectAccessible(page, info, 'order');

  const link = (await call(server.url, 'POST', '/v1/handoff', { token: t.access_token, body: { next: '/store' } })).body.url as string;
  await page.goto(link);
  await page.goto(link);
  await expect(page.getByRole('heading', { name: 'This link was already used' })).toBeVisible();
  await expectAccessible(page, info, 'handoff link used, signed in');

  await page.goto(authorizeUrl());
  await expect(page.getByRole('button', { name: `Continue as ${user.email}` })).toBeVisible();
  await expectAccessible(page, info, 'authorize, continue as');
});

test('pricing and the Pro checkout: upgrade, welcome, already on Pro', async ({ page, server }, info) => {
  test.setTimeout(120_000);
  const user = await newUser(server.url);
  await signInThroughPage(page, user.email, 'password-123', '/store');
  await page.goto('/pricing');
  await expectAccessible(page, info, 'pricing, signed in');
  await page.getByRole('link', { name: 'Choose Pro annual' }).click();
  await expect(page.getByRole('heading', { name: 'Upgrade to Pro' })).toBeVisible();
  await expectAccessible(page, info, 'upgrade');
  await page.getByRole('button', { name: 'Pay and upgrade (simulated)' }).click();
  await expect(page.getByRole('heading', { name: 'Welcome to Pro' })).toBeVisible();
  await expectAccessible(page, info, 'upgrade complete');
  await page.goto('/upgrade');
  await expect(page.getByRole('heading', { name: 'You are already on Pro' })).toBeVisible();
  await expectAccessible(page, info, 'already on Pro');
});

test('the exchange: overview, confirm, result, and its refusal', async ({ page, context, server }, info) => {
  test.setTimeout(120_000);
  const email = `web-a11y-${randomBytes(5).toString('hex')}@cutline.test`;
  const created = await admin(server.url, 'POST', '/admin/v1/users', { email, password: 'password-123', plan: 'pro', billing: 'monthly', proUses: 50, teamId: null });
  expect(created.status).toBe(201);
  await signInThroughPage(page, email, 'password-123', '/exchange');
  await expectAccessible(page, info, 'exchange');
  await page.getByRole('link', { name: 'Continue' }).click();
  await expect(page).toHaveURL(/\/exchange\/confirm$/);
  await expectAccessible(page, info, 'exchange confirm');
  await page.getByLabel(/I understand that exchanging is permanent/).check();
  await page.getByRole('button', { name: 'Exchange 50 Pro uses for 40 credits' }).click();
  await expect(page.getByRole('heading', { name: 'Exchange complete' })).toBeVisible();
  await expectAccessible(page, info, 'exchange complete');
  await page.goto('/exchange');
  await expect(page.getByRole('heading', { name: 'No exchange possible' })).toBeVisible();
  await expectAccessible(page, info, 'exchange refused');
  await context.clearCookies();
});

test('accounts: sign-up (and its refusal), the mail sent, the address confirmed; forgot, reset, done, a used link', async ({ page, browser, server }, info) => {
  test.setTimeout(180_000);
  const email = `web-a11y-${randomBytes(5).toString('hex')}@example.test`;
  await page.goto('/signup');
  await expectAccessible(page, info, 'sign-up');
  // a form whose token cookie is gone (it expired) is refused with a sentence
  await page.context().clearCookies();
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill('a-good-long-password');
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page.getByRole('alert')).toBeVisible();
  await expectAccessible(page, info, 'sign-up refused');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill('a-good-long-password');
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page.getByRole('heading', { name: 'Check your email' })).toBeVisible();
  await expectAccessible(page, info, 'sign-up, mail sent');
  await expect.poll(() => printedMails(server.printedMail).find((m) => m.to === email)?.subject).toBe('Confirm your email for Cutline');
  await page.goto(printedMails(server.printedMail).find((m) => m.to === email)!.link);
  await expect(page.getByRole('heading', { name: 'Your email is confirmed' })).toBeVisible();
  await expectAccessible(page, info, 'email confirmed');
  await page.goto(`/verify?token=${'x'.repeat(43)}`);
  await expectAccessible(page, info, 'confirmation link refused');

  // forgot → reset in a browser that is not signed in
  const other = await browser.newContext({ baseURL: server.url, javaScriptEnabled: false });
  try {
    const tab = await other.newPage();
    await tab.goto('/forgot');
    await expectAccessible(tab, info, 'forgot password');
    await tab.getByLabel('Email').fill(email);
    await tab.getByRole('button', { name: 'Send me a link' }).click();
    await expect(tab.getByRole('heading', { name: 'Check your email' })).toBeVisible();
    await expectAccessible(tab, info, 'forgot, mail sent');
    await expect.poll(() => printedMails(server.printedMail).filter((m) => m.to === email && m.subject === 'Reset your Cutline password').length).toBe(1);
    const mail = printedMails(server.printedMail).find((m) => m.to === email && m.subject === 'Reset your Cutline password')!;
    await tab.goto(mail.link);
    await expect(tab.getByRole('heading', { name: 'Set a new password' })).toBeVisible();
    await expectAccessible(tab, info, 'reset password');
    await tab.getByLabel('New password').fill('my-brand-new-password');
    await tab.getByRole('button', { name: 'Set new password' }).click();
    await expect(tab.getByRole('heading', { name: 'Your password is changed' })).toBeVisible();
    await expectAccessible(tab, info, 'password changed');
    await tab.goto(mail.link);
    await expect(tab.getByRole('heading', { name: 'This link was already used' })).toBeVisible();
    await expectAccessible(tab, info, 'reset link used');
  } finally {
    await other.close();
  }
});

test('the admin page of crash reports', async ({ page, server }, info) => {
  const res = await fetch(`${server.url}/v1/crash-reports`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      kind: 'js-error',
      process: 'renderer',
      event: 'error',
      error: { name: 'Error', message: 'A clip could not be drawn', stack: ['at drawClip (timeline.tsx:10:5)'] },
      app: { version: '0.1.0', platform: 'win32', arch: 'x64', electron: '45.6.1' },
      installation: '3c1d2e4f-5a6b-4c7d-8e9f-a0b1c2d3e4f5',
      occurredAt: new Date().toISOString(),
    }),
  });
  expect(res.status, await res.text()).toBeLessThan(300);
  await page.context().setExtraHTTPHeaders({ authorization: `Basic ${Buffer.from(`admin:${server.adminToken}`).toString('base64')}` });
  await page.goto('/admin/crash-reports');
  await expect(page.getByRole('heading', { name: 'Crash reports' })).toBeVisible();
  await expect(page.getByText('A clip could not be drawn')).toBeVisible();
  await expectAccessible(page, info, 'admin crash reports');
});
