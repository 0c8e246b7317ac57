/**
 * Every credit flow with the keyboard alone (`page.keyboard`, no mouse): sign in, run a tool from
 * a clip's menu (Shift+F10, the ContextMenu key) and from the toolbar's AI Generate, confirm,
 * cancel (the dialog and a running job), not enough → buy (the store page driven by the keyboard
 * too), the exchange prompt, the credit alerts. Dialogs keep the focus inside and give it back
 * where it was; the live regions say the balance and the job's result — also when another
 * device spends.
 */
import type { Locator, Page } from '@playwright/test';
import { expect, test } from '../fixtures/cutline';
import { addClip, chip, createProUsesAccount, expectFocusTrapped, openEditor, shot, tabTo, waitForOpened } from './support';

const polite = (page: Page) => page.getByTestId('live-polite');

/** The focused element is `target`. */
async function expectFocusOn(target: Locator): Promise<void> {
  await expect(target).toBeFocused();
}

/** From a focused clip: its menu by the keyboard, AI Tools, then the tool (↓ until it has the focus). */
async function toolFromClipMenu(page: Page, toolName: string, key = 'Shift+F10'): Promise<void> {
  await page.keyboard.press(key);
  const menu = page.getByRole('menu', { name: 'Clip' });
  await expect(menu).toBeVisible();
  await expectFocusOn(menu.getByRole('menuitem', { name: /^AI Tools/ }));
  await page.keyboard.press('ArrowRight');
  const tools = page.getByRole('menu', { name: 'AI Tools' });
  const item = tools.getByRole('menuitem', { name: new RegExp(`^${toolName}`) });
  for (let i = 0; i < 10 && !(await item.evaluate((el) => el === el.ownerDocument.activeElement)); i++) await page.keyboard.press('ArrowDown');
  await expectFocusOn(item);
  await page.keyboard.press('Enter');
}

test('sign in, run a tool from the clip menu, confirm: focus in the dialog and back on the clip; the result is said', async ({ app, browserHost, service, context }, info) => {
  test.setTimeout(120_000);
  const account = await service.createAccount(100);
  await openEditor(app, browserHost.url);

  // Sign in: Tab to the button, Enter; the sign-in page in the browser, by the keyboard too
  await tabTo(app, app.getByRole('button', { name: 'Sign in' }));
  await app.keyboard.press('Enter');
  const tab = await browserHost.signInTab(context);
  await tabTo(tab, tab.getByLabel('Email'));
  await tab.keyboard.type(account.email);
  await tab.keyboard.press('Tab');
  await expect(tab.getByLabel('Password')).toBeFocused();
  await tab.keyboard.type(account.password);
  await tab.keyboard.press('Enter');
  await expect(tab.getByRole('heading', { name: /^You're signed in to Cutline/ })).toBeVisible();
  await expect(chip(app)).toHaveText('100 credits');
  // the Sign in button went: the focus went on to the balance, not to nowhere
  await expectFocusOn(app.getByTestId('balance-chip'));

  // a clip on the timeline, reached by Tab
  await tabTo(app, app.getByRole('button', { name: 'Add Sunrise over the bay to the timeline' }));
  await app.keyboard.press('Enter');
  const clip = app.getByRole('listbox', { name: 'Timeline clips' }).getByRole('option', { name: /Sunrise/ });
  await tabTo(app, clip);

  await toolFromClipMenu(app, 'Smart Cutout');
  const dialog = app.getByRole('alertdialog', { name: 'Smart Cutout' });
  await expect(dialog).toContainText('This will use 8 credits. Continue?');
  await expectFocusOn(dialog.getByRole('button', { name: 'Continue' }));
  await expectFocusTrapped(app, dialog);
  await shot(app, info, 'confirm-by-keyboard');
  await tabTo(app, dialog.getByRole('button', { name: 'Continue' }));
  await app.keyboard.press('Enter');
  await expect(dialog).toHaveCount(0);
  await expectFocusOn(clip);

  await expect(polite(app)).toContainText('Smart Cutout started on Sunrise over the bay.');
  await expect(polite(app)).toContainText('Balance: 92 credits (8 fewer).');
  await expect(app.getByTestId('job')).toHaveAttribute('data-status', 'done');
  await expect(polite(app)).toContainText('Smart Cutout on Sunrise over the bay: Smart Cutout applied. 8 credits used.');

  // another device spends: the balance is said, with no key pressed
  const phone = await service.secondDevice(account);
  await phone.charge('remove-background');
  await expect(chip(app)).toHaveText('87 credits');
  await expect(polite(app)).toContainText('Balance: 87 credits (5 fewer).');
});

test('cancel: Esc on the confirm, and a running job cancelled from its card; the focus stays on something', async ({ app, browserHost, service }) => {
  test.setTimeout(120_000);
  const account = await service.createAccount(100);
  await browserHost.signIn(account.email, account.password);
  // long enough steps to reach Cancel while it runs
  await openEditor(app, browserHost.url, { stepMs: 1_000 });
  const clip = await addClip(app, 'City at night');
  await tabTo(app, clip);

  // the ContextMenu key opens the same menu; Esc on the dialog spends nothing
  await toolFromClipMenu(app, 'Premium Voiceover', 'ContextMenu');
  const dialog = app.getByRole('alertdialog', { name: 'Premium Voiceover' });
  await expect(dialog).toBeVisible();
  await app.keyboard.press('Escape');
  await expect(dialog).toHaveCount(0);
  await expectFocusOn(clip);
  await expect(chip(app)).toHaveText('100 credits');

  // run it, then Cancel on its card (Shift+Tab back from the clip to the jobs panel)
  await toolFromClipMenu(app, 'Premium Voiceover');
  await expectFocusOn(dialog.getByRole('button', { name: 'Continue' }));
  await app.keyboard.press('Enter');
  await expectFocusOn(clip);
  const job = app.getByTestId('job');
  await expect(job).toHaveAttribute('data-status', 'running');
  await tabTo(app, job.getByRole('button', { name: 'Cancel' }), { back: true });
  await app.keyboard.press('Enter');
  await expect(job).toHaveAttribute('data-status', 'cancelled');
  await expect(chip(app)).toHaveText('100 credits');
  await expect(polite(app)).toContainText('Premium Voiceover on City at night: Cancelled. 10 credits returned.');
  // the Cancel button went with the running state: the focus is on the card
  await expectFocusOn(job);
  await app.keyboard.press('Tab');
  await expectFocusOn(job.getByRole('button', { name: /^Dismiss/ }));
  await app.keyboard.press('Enter');
  await expect(job).toHaveCount(0);
  // the card went: the focus is on the Activity heading
  await expectFocusOn(app.getByRole('heading', { name: 'Activity' }));
});

test('not enough → Buy credits: the store opens; bought by the keyboard on the web; the new balance is said', async ({ app, browserHost, service, context }, info) => {
  test.setTimeout(120_000);
  const account = await service.createAccount(3);
  await browserHost.signIn(account.email, account.password);
  await openEditor(app, browserHost.url);
  const clip = await addClip(app, 'Interview — Maya');
  await tabTo(app, clip);
  await toolFromClipMenu(app, 'AI Portrait');
  const dialog = app.getByRole('alertdialog', { name: 'Not enough credits' });
  await expect(dialog).toContainText('AI Portrait needs 15 credits. You have 3 credits.');
  await expectFocusOn(dialog.getByRole('button', { name: 'Buy credits' }));
  await expectFocusTrapped(app, dialog);
  await tabTo(app, dialog.getByRole('button', { name: 'Buy credits' }));
  const before = browserHost.opened().length;
  const tabOpened = context.waitForEvent('page');
  await app.keyboard.press('Enter');
  await waitForOpened(browserHost.opened, (u) => u.pathname === '/handoff' && u.searchParams.get('next') === '/store', before);
  await expect(dialog).toHaveCount(0);
  await expectFocusOn(clip);
  await expect(app.getByTestId('notice').filter({ hasText: 'The store is open in your browser.' })).toBeVisible();

  // the store in the tab the app opened, by the keyboard
  const web = await tabOpened;
  await expect(web).toHaveURL(/\/store$/);
  await tabTo(web, web.getByRole('link', { name: 'Buy 500 credits' }));
  await web.keyboard.press('Enter');
  await expect(web).toHaveURL(/\/store\/checkout\?pack=pack-500$/);
  await tabTo(web, web.getByRole('button', { name: /^Pay .* \(simulated\)$/ }));
  await web.keyboard.press('Enter');
  await expect(web.getByRole('heading', { name: 'Thank you: 500 credits added' })).toBeVisible();
  await shot(web, info, 'bought-by-keyboard');

  await expect(chip(app)).toHaveText('503 credits');
  await expect(polite(app)).toContainText('Balance: 503 credits (500 more).');
});

test('AI Generate from the toolbar by the keyboard: the menu, the prompt, confirm; the focus back on AI Generate', async ({ app, browserHost, service }) => {
  const account = await service.createAccount(100);
  await browserHost.signIn(account.email, account.password);
  await openEditor(app, browserHost.url);
  const generate = app.getByRole('button', { name: 'AI Generate' });
  await tabTo(app, generate);
  await app.keyboard.press('ArrowDown');
  const menu = app.getByRole('menu', { name: 'AI Generate' });
  await expectFocusOn(menu.getByRole('menuitem', { name: /^AI Image/ }));
  await app.keyboard.press('Enter');
  const prompt = app.getByRole('dialog', { name: 'AI Image' });
  await expectFocusOn(prompt.getByLabel('Describe the image'));
  await app.keyboard.type('A paper boat on a neon river');
  await expectFocusTrapped(app, prompt, 4);
  await tabTo(app, prompt.getByLabel('Describe the image'));
  await app.keyboard.press('Control+Enter');
  const confirm = app.getByRole('alertdialog', { name: 'AI Image' });
  await expectFocusOn(confirm.getByRole('button', { name: 'Continue' }));
  await app.keyboard.press('Enter');
  await expect(confirm).toHaveCount(0);
  await expectFocusOn(generate);
  await expect(polite(app)).toContainText(/AI Image on .*A paper boat on a neon river.*: /);
  await expect(chip(app)).toHaveText('80 credits');
});

test('the exchange prompt by the keyboard: Tab stays in it, Not now goes on to the confirm, focus back on the clip', async ({ app, browserHost, service }) => {
  const account = await createProUsesAccount(service.url);
  await browserHost.signIn(account.email, account.password);
  await openEditor(app, browserHost.url);
  const clip = await addClip(app, 'Sunrise over the bay');
  await tabTo(app, clip);
  await toolFromClipMenu(app, 'Remove Background');
  const prompt = app.getByRole('dialog', { name: 'Switch to flexible credits?' });
  await expectFocusOn(prompt.getByRole('button', { name: 'Exchange Now' }));
  await expectFocusTrapped(app, prompt);
  await tabTo(app, prompt.getByRole('button', { name: 'Not now' }));
  await app.keyboard.press('Enter');
  const confirm = app.getByRole('alertdialog', { name: 'Remove Background' });
  await expect(confirm).toContainText('1 Pro use');
  await expectFocusOn(confirm.getByRole('button', { name: 'Continue' }));
  await app.keyboard.press('Escape');
  await expect(confirm).toHaveCount(0);
  await expectFocusOn(clip);
  await expect(chip(app)).toHaveText('50 Pro uses');
});

test('credit alerts by the keyboard: the balance popover, a threshold, Tab kept inside, Esc back to the chip', async ({ app, browserHost, service }) => {
  const account = await service.createAccount(100);
  await browserHost.signIn(account.email, account.password);
  await openEditor(app, browserHost.url);
  const chipButton = app.getByTestId('balance-chip');
  await tabTo(app, chipButton);
  await app.keyboard.press('Enter');
  const popover = app.getByRole('dialog', { name: 'Your credits' });
  await expect(popover).toBeVisible();
  await expectFocusTrapped(app, popover, 12);
  await tabTo(app, popover.getByLabel('Also alert below'));
  await app.keyboard.type('500');
  await app.keyboard.press('Enter');
  await expect(popover.getByTestId('active-alerts')).toContainText('below');
  await expect(app.getByTestId('alert-badge')).toHaveText('1');
  await expect(chipButton).toHaveAccessibleName(/1 credit alert/);
  await app.keyboard.press('Escape');
  await expect(popover).toHaveCount(0);
  await expectFocusOn(chipButton);

  // and off again: Space on the checkbox
  await app.keyboard.press('Enter');
  await tabTo(app, popover.getByRole('checkbox', { name: /Alert me when credits/ }));
  await app.keyboard.press('Space');
  await expect(app.getByTestId('alert-badge')).toHaveCount(0);
  await app.keyboard.press('Escape');
  await expectFocusOn(chipButton);
});
