/**
 * Issue 18 item 7: the Pro-uses exchange says what it trades — Pro uses pay one action each,
 * whatever the tool; the credits they become pay each tool's price, with examples computed from
 * the catalogue — and at 0 credits the balance details do not claim "None of your credits expire".
 */
import { expect, test } from '../fixtures/cutline';
import { addClip, chip, chooseTool, createProUsesAccount, openEditor, shot } from './support';

test('the exchange prompt says what 50 Pro uses and 40 credits each buy; the details at 0 credits say so plainly', async ({ app, browserHost, service }, info) => {
  const account = await createProUsesAccount(service.url, 50);
  await browserHost.signIn(account.email, account.password);
  await openEditor(app, browserHost.url);
  await expect(chip(app)).toHaveText('50 Pro uses');

  await chooseTool(app, await addClip(app, 'Sunrise over the bay'), 'Smart Cutout');
  const prompt = app.getByRole('dialog', { name: 'Switch to flexible credits?' });
  await expect(prompt.getByTestId('exchange-tradeoff')).toHaveText(
    '50 Pro uses cover 50 AI actions with any tool, whatever its price; the 40 credits they become cover, for example, 2 AI Portraits or 5 Smart Cutouts.',
  );
  await shot(app, info, 'exchange-tradeoff');
  await prompt.getByRole('button', { name: 'Not now' }).click();
  await app.getByRole('alertdialog', { name: 'Smart Cutout' }).getByRole('button', { name: 'Cancel' }).click();

  await app.getByTestId('balance-chip').click();
  const details = app.locator('.next-expiry');
  await expect(details).toHaveText('You have no credits right now.');
  await expect(app.getByText('None of your credits expire.')).toHaveCount(0);
});
