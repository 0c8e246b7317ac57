/**
 * Every screen of the editor passes axe-core (WCAG 2.0/2.1 A and AA rules, colour contrast
 * included) with no serious or critical violation: signed out, signed in with clips, every
 * dialog (confirm — with its damaged-clip and applied-again notes —, not enough, the exchange
 * prompt, AI Generate's prompt, keyboard shortcuts, settings, the media-removal and
 * project-deletion warnings), the clip menu with its AI Tools, the update banner, the balance
 * popover with its alerts, the Activity and AI jobs panels, toasts (an error, an info), the offline
 * banner and the stale balance, and the browser host's sign-in pages. No rule is turned off.
 * Also: `prefers-reduced-motion` stops every animation and transition.
 */
import { admin } from '@cutline/service/test/helpers/client';
import type { Page } from '@playwright/test';
import { expectAccessible } from '../fixtures/axe';
import { expect, test, type BrowserHost, type Service } from '../fixtures/cutline';
import { still } from './media-files';
import { addClip, chip, chooseTool, createProUsesAccount, hostBehindCable, openEditor, shot, timelineClip } from './support';

test('signed out: the editor, its dialogs, the clip menu, the update banner, the warnings before removing', async ({ app, browserHost }, info) => {
  test.setTimeout(120_000);
  await openEditor(app, browserHost.url);
  await expectAccessible(app, info, 'signed out, empty timeline');

  await app.keyboard.press('F1');
  await expect(app.getByRole('dialog', { name: 'Keyboard shortcuts' })).toBeVisible();
  await expectAccessible(app, info, 'keyboard shortcuts');
  await app.keyboard.press('Escape');

  await app.getByRole('button', { name: 'Settings' }).click();
  await expect(app.getByRole('dialog', { name: 'Settings' })).toBeVisible();
  await expectAccessible(app, info, 'settings');
  await app.keyboard.press('Escape');

  // the update banner while downloading (a progress bar) and when ready (its buttons)
  browserHost.updater.offer('1.2.0');
  browserHost.updater.autoDownload = false;
  await browserHost.host.core.cutline.checkForUpdates();
  const banner = app.getByRole('region', { name: 'Cutline update' });
  await expect(banner.getByRole('status')).toHaveText('Downloading Cutline 1.2.0…');
  browserHost.updater.emit({ type: 'progress', percent: 40 });
  await expect(banner.getByRole('progressbar')).toHaveAttribute('value', '40');
  await expectAccessible(app, info, 'update banner, downloading');
  browserHost.updater.emit({ type: 'downloaded', version: '1.2.0' });
  await expect(banner.getByRole('button', { name: 'Restart to update' })).toBeVisible();
  await expectAccessible(app, info, 'update banner, ready');

  // clips on the timeline, one selected; the clip menu signed out (AI Tools disabled, with why)
  await addClip(app, 'Sunrise over the bay');
  const clip = await addClip(app, 'Drone shot (damaged)');
  await clip.click();
  await expectAccessible(app, info, 'signed out, clips on the timeline');
  await clip.focus();
  await app.keyboard.press('Shift+F10');
  await expect(app.getByRole('menu', { name: 'Clip' })).toBeVisible();
  await expectAccessible(app, info, 'clip menu, signed out');
  await app.keyboard.press('Escape');

  // rename and delete a project
  await app.getByRole('button', { name: 'Rename' }).click();
  await expect(app.getByRole('textbox', { name: 'Project name' })).toBeFocused();
  await expectAccessible(app, info, 'renaming the project');
  await app.keyboard.press('Escape');
  await app.getByRole('button', { name: 'Delete…' }).click();
  await expect(app.getByRole('alertdialog', { name: /^Delete “/ })).toBeVisible();
  await expectAccessible(app, info, 'delete project warning');
  await app.keyboard.press('Escape');

  // an imported still used by a clip: removing it warns first; a refused file is an error toast
  const photo = await still(app, 'Harbour.png', 'image/png');
  const chooser = app.waitForEvent('filechooser');
  await app.getByRole('button', { name: 'Import media…' }).click();
  await (await chooser).setFiles([
    { name: photo.name, mimeType: photo.mimeType, buffer: photo.buffer },
    { name: 'notes.pdf', mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.4') },
  ]);
  await expect(app.getByRole('alert').filter({ hasText: '“notes.pdf” can\'t be imported' })).toBeVisible();
  await expect(app.getByTestId('notice').filter({ hasText: 'Imported “Harbour”.' })).toBeVisible();
  await addClip(app, 'Harbour');
  await expectAccessible(app, info, 'imported media, an error toast and an info toast');
  await app.getByRole('button', { name: 'Remove Harbour from your media' }).click();
  await expect(app.getByRole('alertdialog', { name: 'Remove “Harbour”?' })).toBeVisible();
  await expectAccessible(app, info, 'media removal warning');
  await shot(app, info, 'media-removal-warning');
  await app.keyboard.press('Escape');
});

test('the sign-in pages the app opens: the authorize form and the loopback page', async ({ app, browserHost, service, context }, info) => {
  const account = await service.createAccount(100);
  await openEditor(app, browserHost.url);
  await app.getByRole('button', { name: 'Sign in' }).click();
  await expect(app.getByRole('button', { name: 'Cancel sign-in' })).toBeVisible();
  await expectAccessible(app, info, 'signing in (waiting for the browser)');
  const tab = await browserHost.signInTab(context);
  await expectAccessible(tab, info, 'authorize page');
  await tab.getByLabel('Email').fill(account.email);
  await tab.getByLabel('Password').fill('wrong password');
  await tab.getByRole('button', { name: 'Sign in' }).click();
  await expect(tab.getByRole('alert')).toBeVisible();
  await expectAccessible(tab, info, 'authorize page with an error');
  await tab.close();
  await app.getByRole('button', { name: 'Open sign-in again' }).click();
  const done = await browserHost.signInInOpenedTab(context, account.email, account.password);
  await expectAccessible(done, info, "loopback page: you're signed in");
});

test('signed in with clips: panels, the balance popover and its alerts, confirm notes, a running and a finished job', async ({ app, browserHost, service }, info) => {
  test.setTimeout(120_000);
  const account = await service.createAccount(100);
  await browserHost.signIn(account.email, account.password);
  // steps long enough to look at a running job
  await openEditor(app, browserHost.url, { stepMs: 300 });
  await expect(chip(app)).toHaveText('100 credits');
  const sunrise = await addClip(app, 'Sunrise over the bay');
  const drone = await addClip(app, 'Drone shot (damaged)');
  await expectAccessible(app, info, 'signed in, clips');

  // the balance popover, then an alert that holds (a threshold above the balance)
  await app.getByTestId('balance-chip').click();
  const popover = app.getByRole('dialog', { name: 'Your credits' });
  await expect(popover).toBeVisible();
  await expectAccessible(app, info, 'balance popover');
  await popover.getByLabel('Also alert below').fill('500');
  await popover.getByRole('button', { name: 'Save' }).click();
  await expect(app.getByTestId('active-alerts')).toContainText('below');
  await expectAccessible(app, info, 'balance popover with an alert');
  await shot(app, info, 'popover-alert');
  await app.keyboard.press('Escape');
  await expect(app.getByTestId('alert-badge')).toHaveText('1');
  await expectAccessible(app, info, 'the chip with its alert badge, an alert toast');

  // the confirm dialog on a damaged clip (its warning)
  await chooseTool(app, drone, 'Smart Cutout');
  const confirm = app.getByRole('alertdialog', { name: 'Smart Cutout' });
  await expect(confirm.getByTestId('damaged-warning')).toBeVisible();
  await expectAccessible(app, info, 'confirm, damaged clip');
  await confirm.getByRole('button', { name: 'Cancel' }).click();

  // a running job (progress), then finished, in the Jobs panel and in Activity
  await chooseTool(app, sunrise, 'Smart Cutout');
  await confirm.getByRole('button', { name: 'Continue' }).click();
  const job = app.getByTestId('job').filter({ hasText: 'Smart Cutout' });
  await expect(job.getByRole('progressbar')).toBeVisible();
  await expectAccessible(app, info, 'a job running');
  await expect(job).toHaveAttribute('data-status', 'done');
  await expect(app.getByTestId('activity-row').first()).toBeVisible();
  await expectAccessible(app, info, 'a job done, activity');
  await shot(app, info, 'job-done');

  // the same tool again: the applied-again note with its checkbox
  await chooseTool(app, timelineClip(app, /Sunrise/), 'Smart Cutout');
  await expect(confirm.getByTestId('applied-again')).toBeVisible();
  await expectAccessible(app, info, 'confirm, applied again');
  await app.keyboard.press('Escape');
});

test('not enough, AI Generate prompt, the exchange prompt', async ({ app, browserHost, service }, info) => {
  const poor = await service.createAccount(3);
  await browserHost.signIn(poor.email, poor.password);
  await openEditor(app, browserHost.url);
  await app.getByRole('button', { name: 'AI Generate' }).click();
  await app.getByRole('menuitem', { name: /^AI Image/ }).click();
  const prompt = app.getByRole('dialog', { name: 'AI Image' });
  await expect(prompt.getByLabel('Describe the image')).toBeFocused();
  await expectAccessible(app, info, 'AI Generate prompt');
  await prompt.getByLabel('Describe the image').fill('A paper boat');
  await prompt.getByRole('button', { name: 'Continue' }).click();
  await expect(app.getByRole('alertdialog', { name: 'Not enough credits' })).toBeVisible();
  await expectAccessible(app, info, 'not enough credits');
  await app.keyboard.press('Escape');

  const pro = await createProUsesAccount(service.url);
  await browserHost.signIn(pro.email, pro.password);
  await expect(chip(app)).toHaveText('50 Pro uses');
  await chooseTool(app, await addClip(app, 'Sunrise over the bay'), 'Remove Background');
  await expect(app.getByRole('dialog', { name: 'Switch to flexible credits?' })).toBeVisible();
  await expectAccessible(app, info, 'exchange prompt');
  await app.getByRole('button', { name: 'Learn More' }).click();
  await expect(app.getByText('The exchange page is open in your browser.')).toBeVisible();
  await expectAccessible(app, info, 'exchange prompt, page opened');
  await app.keyboard.press('Escape');
  await app.getByTestId('balance-chip').click();
  await expect(app.getByTestId('exchange-entry')).toBeVisible();
  await expectAccessible(app, info, 'balance popover with the exchange entry');
});

test('offline: the banner, the stale balance with Retry now, disabled AI entries', async ({ page, service }, info) => {
  const behind = await hostBehindCable(service, 'a11y-offline', { backoff: { baseMs: 100, maxMs: 400 } });
  try {
    const account = await service.createAccount(100);
    await openEditor(page, behind.host.url);
    expect((await behind.signIn(account)).status).toBe(200);
    await expect(chip(page)).toHaveText('100 credits');
    await addClip(page, 'City at night');
    behind.net.cut();
    await expect(page.getByTestId('offline-banner')).toBeVisible();
    await expect(page.getByTestId('stale-balance')).toBeVisible();
    await expectAccessible(page, info, 'offline, stale balance');
    await page.getByRole('button', { name: 'AI Tools' }).focus();
    await expectAccessible(page, info, 'offline, AI Tools disabled with the reason');
  } finally {
    await behind.close();
  }
});

test.describe('reduced motion', () => {
  /** The animation and transition of an element as computed. */
  const motion = (page: Page, selector: string) =>
    page.locator(selector).first().evaluate((el) => {
      const s = (globalThis as unknown as { getComputedStyle(e: unknown): { animationName: string; transitionDuration: string } }).getComputedStyle(el);
      return { animation: s.animationName, transition: s.transitionDuration };
    });

  async function balanceAndActivity(page: Page, browserHost: BrowserHost, service: Service) {
    const account = await service.createAccount(100);
    await browserHost.signIn(account.email, account.password);
    await openEditor(page, browserHost.url, { stepMs: 400 });
    await admin(service.url, 'POST', '/admin/v1/grants', { userId: account.id, type: 'activity', amount: 5, expiresAt: null, source: 'campaign:motion' });
    await expect(chip(page)).toHaveText('105 credits');
    await expect(page.getByTestId('activity-row').first()).toBeVisible();
    await chooseTool(page, await addClip(page, 'City at night'), 'Premium Voiceover');
    await page.getByRole('alertdialog').getByRole('button', { name: 'Continue' }).click();
    await expect(page.getByTestId('job').getByRole('progressbar')).toBeVisible();
  }

  test.describe('asked for', () => {
    test.use({ contextOptions: { reducedMotion: 'reduce' } });
    test('no animation, no transition: the balance flash, new activity rows', async ({ app, browserHost, service }) => {
      await balanceAndActivity(app, browserHost, service);
      expect(await motion(app, '[data-testid="balance-chip-text"]')).toEqual({ animation: 'none', transition: '0s' });
      expect(await motion(app, '[data-testid="activity-row"]')).toEqual({ animation: 'none', transition: '0s' });
    });
  });

  test.describe('not asked for', () => {
    test.use({ contextOptions: { reducedMotion: 'no-preference' } });
    test('the same parts move', async ({ app, browserHost, service }) => {
      await balanceAndActivity(app, browserHost, service);
      expect((await motion(app, '[data-testid="balance-chip-text"]')).animation).toBe('chip-flash');
      expect((await motion(app, '[data-testid="activity-row"]')).animation).toBe('row-in');
    });
  });
});
