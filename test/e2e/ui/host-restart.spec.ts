/**
 * Issue 18 item 8: the page notices when its browser host stops — the app shows it is offline and
 * why, AI tools are off with that reason instead of failing on "the price could not be checked" —
 * and reconnects by itself when the host is back.
 */
import { expect, test } from '../fixtures/cutline';
import { addClip, chip, chooseTool, hostBehindCable, openEditor, shot } from './support';

test('the host stops: the page says so; it comes back: the page reconnects and AI tools work again', async ({ page, service }, info) => {
  const behind = await hostBehindCable(service, 'host-restart');
  try {
    const account = await service.createAccount(100);
    await openEditor(page, behind.host.url);
    await behind.signIn(account);
    await expect(chip(page)).toHaveText('100 credits');
    await expect(page.getByTestId('connection')).toHaveText('Online');
    const clip = await addClip(page, 'Interview — Maya');

    await behind.stopHost();
    await expect(page.getByTestId('connection')).toHaveText('Offline');
    await expect(page.getByTestId('ai-reason')).toContainText("Cutline's host stopped");
    // the tools say why they are off instead of failing; editing goes on
    await clip.click({ button: 'right' });
    const aiTools = page.getByRole('menuitem', { name: /^AI Tools/ });
    await expect(aiTools).toHaveAttribute('aria-disabled', 'true');
    await expect(aiTools).toContainText("Cutline's host stopped");
    await shot(page, info, 'host-gone');
    await page.keyboard.press('Escape');
    await addClip(page, 'Sunrise over the bay');

    await behind.startHost();
    // the same page, without a reload: the restarted host keeps no tokens, so it asks to sign in
    await expect(page.getByRole('button', { name: 'Sign in' })).toBeVisible({ timeout: 15_000 });
    await behind.signIn(account);
    await expect(page.getByTestId('connection')).toHaveText('Online');
    await expect(chip(page)).toHaveText('100 credits');
    await chooseTool(page, clip, 'AI Portrait');
    await expect(page.getByRole('alertdialog', { name: 'AI Portrait' })).toContainText('This will use 15 credits. Continue?');
    await shot(page, info, 'host-back');
    // the edit made while the host was away was saved once it was back
    await expect(page.getByText('Saved', { exact: true })).toBeVisible();
    await openEditor(page, behind.host.url);
    await expect(page.getByRole('listbox', { name: 'Timeline clips' }).getByRole('option')).toHaveCount(2);
  } finally {
    await behind.close();
  }
});
