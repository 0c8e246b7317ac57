/** Not enough credits: the dialog with the amounts, and the store / the Pro checkout (/upgrade) opened on the web origin. */
import { expect, test } from '../fixtures/cutline';
import { addClip, chooseTool, openEditor, shot, waitForOpened } from './support';

test('not enough credits → Buy credits opens the store (a handoff link on the service origin)', async ({ app, browserHost, service }, info) => {
  const account = await service.createAccount(10);
  await browserHost.signIn(account.email, account.password);
  await openEditor(app, browserHost.url);
  const clip = await addClip(app, 'Interview — Maya');
  await chooseTool(app, clip, 'AI Portrait');
  const dialog = app.getByRole('alertdialog', { name: 'Not enough credits' });
  await expect(dialog).toContainText('Buy credits or upgrade to Pro');
  await expect(dialog).toContainText('AI Portrait needs 15 credits. You have 10 credits.');
  await shot(app, info, 'not-enough');

  const before = browserHost.opened().length;
  await dialog.getByRole('button', { name: 'Buy credits' }).click();
  const opened = await waitForOpened(browserHost.opened, (u) => u.pathname === '/handoff', before);
  expect(opened.origin).toBe(new URL(service.server.publicUrl).origin);
  expect(opened.searchParams.get('next')).toBe('/store');
  await expect(dialog).toHaveCount(0);
  await expect(app.getByTestId('notice').filter({ hasText: 'The store is open in your browser.' })).toBeVisible();
  await shot(app, info, 'store-opened');

  await chooseTool(app, clip, 'AI Portrait');
  const again = browserHost.opened().length;
  await app.getByRole('alertdialog').getByRole('button', { name: 'Upgrade to Pro' }).click();
  const pricing = await waitForOpened(browserHost.opened, (u) => u.pathname === '/handoff', again);
  expect(pricing.origin).toBe(new URL(service.server.publicUrl).origin);
  expect(pricing.searchParams.get('next')).toBe('/upgrade');
});
