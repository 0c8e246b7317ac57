/**
 * The app's own updates in the real renderer through the browser host, with the host's updater a
 * fake the test drives (what a check finds, the download's progress): the banner's progress,
 * *Restart to update*, a restart that waits for a running AI job, and *Later*.
 */
import { expect, test } from '../fixtures/cutline';
import { addClip, chooseTool, openEditor, shot } from './support';

test('a check from Settings finds 1.2.0: download progress, then Restart to update installs it', async ({ app, browserHost }, info) => {
  await openEditor(app, browserHost.url);
  const { updater } = browserHost;
  expect(updater.count('check')).toBe(1); // at start, nothing newer: no banner
  await expect(app.getByTestId('update-banner')).toHaveCount(0);
  updater.offer('1.2.0');
  updater.autoDownload = false;

  await app.getByRole('button', { name: 'Settings' }).click();
  const dialog = app.getByRole('dialog', { name: 'Settings' });
  await expect(dialog).toContainText('You have Cutline 0.1.0.');
  await dialog.getByRole('button', { name: 'Check for updates' }).click();
  const banner = app.getByRole('region', { name: 'Cutline update' });
  await expect(banner.getByRole('status')).toHaveText('Downloading Cutline 1.2.0…');
  await expect(dialog.getByRole('status')).toHaveText('Downloading Cutline 1.2.0…');
  await dialog.getByRole('button', { name: 'Close' }).click();
  await expect(app.getByRole('button', { name: 'Settings' })).toBeFocused();

  updater.emit({ type: 'progress', percent: 37.5 });
  await expect(banner.getByRole('progressbar', { name: 'Downloading Cutline 1.2.0' })).toHaveAttribute('value', '37.5');
  await shot(app, info, 'downloading');
  updater.emit({ type: 'downloaded', version: '1.2.0' });
  await expect(banner.getByRole('status')).toHaveText('Cutline 1.2.0 is ready to install.');
  await shot(app, info, 'ready');

  // the keyboard reaches it: Restart to update is a button in the page's order
  await banner.getByRole('button', { name: 'Restart to update' }).focus();
  await app.keyboard.press('Enter');
  await expect(banner.getByRole('status')).toHaveText('Restarting to install Cutline 1.2.0…');
  expect(updater.count('quitAndInstall')).toBe(1);
});

test('Restart to update during an AI job waits for the job, then restarts', async ({ app, browserHost, service }, info) => {
  const account = await service.createAccount(100);
  await browserHost.signIn(account.email, account.password);
  // 12–23 steps of 500 ms: the job runs 6 s at least
  await openEditor(app, browserHost.url, { stepMs: 500 });
  const { updater } = browserHost;
  updater.offer('1.2.0');
  await browserHost.host.core.cutline.checkForUpdates();
  const banner = app.getByRole('region', { name: 'Cutline update' });
  await expect(banner.getByRole('status')).toHaveText('Cutline 1.2.0 is ready to install.');

  const clip = await addClip(app, 'Interview — Maya');
  await chooseTool(app, clip, 'AI Portrait');
  await app.getByRole('alertdialog').getByRole('button', { name: 'Continue' }).click();
  const job = app.getByTestId('job').filter({ hasText: 'AI Portrait' });
  await expect(job).toHaveAttribute('data-status', 'running');

  await banner.getByRole('button', { name: 'Restart to update' }).click();
  await expect(banner.getByRole('status')).toHaveText('Cutline will restart to install 1.2.0 when your AI job finishes.');
  await shot(app, info, 'waiting-for-job');
  expect(updater.count('quitAndInstall')).toBe(0);

  await expect(job).toContainText('AI Portrait applied. 15 credits used.');
  await expect(banner.getByRole('status')).toHaveText('Restarting to install Cutline 1.2.0…');
  expect(updater.count('quitAndInstall')).toBe(1);
});

test('Later puts the update off to the next start, and Settings says so', async ({ app, browserHost }) => {
  await openEditor(app, browserHost.url);
  browserHost.updater.offer('1.2.0');
  await browserHost.host.core.cutline.checkForUpdates();
  const banner = app.getByRole('region', { name: 'Cutline update' });
  await banner.getByRole('button', { name: 'Later: install the update the next time Cutline starts' }).click();
  await expect(app.getByTestId('update-banner')).toHaveCount(0);
  await app.getByRole('button', { name: 'Settings' }).click();
  await expect(app.getByRole('dialog', { name: 'Settings' }).getByRole('status')).toHaveText('Cutline 1.2.0 installs the next time Cutline starts.');
  expect(browserHost.updater.count('quitAndInstall')).toBe(0);
  expect(browserHost.host.core.updates.getStatus()).toMatchObject({ phase: 'ready', deferred: true });
});
