/** Sign-in round trip through the system browser and back by deep link, then sign-out. */
import { expect, test } from '../fixtures/cutline';
import { chip, openEditor, shot } from './support';

test('sign in through the browser tab, see the account and its live balance, sign out', async ({ app, browserHost, context, service }, info) => {
  await openEditor(app, browserHost.url);
  await expect(app.getByRole('button', { name: 'Sign in' })).toBeVisible();
  await expect(app.getByTestId('ai-reason')).toHaveText('Sign in to use AI tools.');
  await shot(app, info, 'signed-out');

  const account = await service.createAccount(120);
  await app.getByRole('button', { name: 'Sign in' }).click();
  await expect(app.getByText('Continue in your browser…')).toBeVisible();
  await browserHost.signInInOpenedTab(context, account.email, account.password);

  await expect(app.getByTestId('account-email')).toHaveText(account.email);
  await expect(chip(app)).toHaveText('120 credits');
  await expect(app.getByTestId('notice').filter({ hasText: `Signed in as ${account.email}.` })).toBeVisible();
  await expect(app.getByTestId('connection')).toHaveText('Online');
  await expect(app.getByRole('listitem').filter({ hasText: 'Granted' }).first()).toContainText('+120 credits');
  await shot(app, info, 'signed-in');

  await app.getByRole('button', { name: 'Sign out' }).click();
  await expect(app.getByRole('button', { name: 'Sign in' })).toBeVisible();
  await expect(app.getByTestId('balance-chip')).toHaveCount(0);
  await expect(app.getByText('Sign in to see your credit activity from every device.')).toBeVisible();
  await shot(app, info, 'signed-out-again');
});

test('the demo Pro account signs in with its demo balance', async ({ app, browserHost, context }, info) => {
  await openEditor(app, browserHost.url);
  await app.getByRole('button', { name: 'Sign in' }).click();
  await browserHost.signInInOpenedTab(context, 'pro@cutline.test');
  await expect(app.getByTestId('account-email')).toHaveText('pro@cutline.test');
  await expect(chip(app)).toHaveText(/^\d[\d,]* credits$/);
  await app.getByTestId('balance-chip').click();
  const popover = app.getByRole('dialog', { name: 'Your credits' });
  await expect(popover.locator('.split-row')).toHaveText([/^Subscription\d+$/, /^Activity\d+$/, /^Purchased\d+$/, /^On hold\d+$/]);
  await expect(popover).toContainText('Never expires');
  await expect(popover).toContainText(/Next expiry: \d+ credits? on /);
  await shot(app, info, 'balance-popover');
});

test('sign-in finishes by itself in the tab: a wrong password first, then the signed-in page, never the form again', async ({ app, browserHost, context }, info) => {
  await openEditor(app, browserHost.url);
  await app.getByRole('button', { name: 'Sign in' }).click();
  const tab = await browserHost.signInTab(context);
  await tab.getByLabel('Email').fill('pro@cutline.test');
  await tab.getByLabel('Password').fill('not-the-password');
  await tab.getByRole('button', { name: 'Sign in' }).click();
  await expect(tab.getByRole('alert')).toHaveText('That email and password do not match an account.');
  await shot(tab, info, 'sign-in-wrong-password');
  await tab.getByLabel('Password').fill('cutline-demo');
  await tab.getByRole('button', { name: 'Sign in' }).click();
  await tab.waitForURL(`${browserHost.url}/callback?**`);
  await expect(tab.getByRole('heading', { name: "You're signed in to Cutline as pro@cutline.test — you can close this tab" })).toBeVisible();
  await expect(tab.getByRole('alert')).toHaveCount(0);
  await expect(tab.getByLabel('Password')).toHaveCount(0);
  await shot(tab, info, 'sign-in-complete-tab');
  await expect(app.getByTestId('account-email')).toHaveText('pro@cutline.test');
  await expect(app.getByText('Continue in your browser…')).toHaveCount(0);
});

test('a browser signed in on the web continues as that account in one click', async ({ app, browserHost, context, service }, info) => {
  // Signed in on the web first (the /signin page of the service, in the same browser).
  const web = await context.newPage();
  await web.goto(`${service.url}/signin`);
  await web.getByLabel('Email').fill('pro@cutline.test');
  await web.getByLabel('Password').fill('cutline-demo');
  await web.getByRole('button', { name: 'Sign in' }).click();
  await expect(web.getByRole('heading', { name: 'Your credits' })).toBeVisible();
  await web.close();

  await openEditor(app, browserHost.url);
  await app.getByRole('button', { name: 'Sign in' }).click();
  const tab = await browserHost.signInTab(context);
  await expect(tab.getByRole('button', { name: 'Continue as pro@cutline.test' })).toBeVisible();
  await expect(tab.getByRole('link', { name: 'Use another account' })).toBeVisible();
  await expect(tab.getByLabel('Password')).toHaveCount(0);
  await shot(tab, info, 'continue-as');
  await tab.getByRole('button', { name: 'Continue as pro@cutline.test' }).click();
  await expect(tab.getByRole('heading', { name: "You're signed in to Cutline as pro@cutline.test — you can close this tab" })).toBeVisible();
  await expect(app.getByTestId('account-email')).toHaveText('pro@cutline.test');
});
