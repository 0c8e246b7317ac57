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
