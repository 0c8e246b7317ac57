/** Right-click a clip → AI Tools → confirm → job → the balance and the clip change; cancel and failure return credits. */
import { expect, test } from '../fixtures/cutline';
import { addClip, chip, chooseTool, openEditor, shot, timelineClip } from './support';

test('an AI tool: confirm with cost, balance and types, job with progress, result on the clip, balance drops by the price', async ({ app, browserHost, service }, info) => {
  const account = await service.createAccount(100);
  await browserHost.signIn(account.email, account.password);
  await openEditor(app, browserHost.url);
  await expect(chip(app)).toHaveText('100 credits');
  const clip = await addClip(app, 'Interview — Maya');

  await chooseTool(app, clip, 'AI Portrait');
  const dialog = app.getByRole('alertdialog', { name: 'AI Portrait' });
  await expect(dialog).toContainText('This will use 15 credits. Continue?');
  await expect(dialog).toContainText('Using 15 activity credits');
  await expect(dialog).toContainText('Your balance: 100 credits.');
  await shot(app, info, 'confirm');
  await dialog.getByRole('button', { name: 'Continue' }).click();

  const job = app.getByTestId('job').filter({ hasText: 'AI Portrait' });
  await expect(job).toBeVisible();
  await expect(job.getByText('AI Portrait applied. 15 credits used.')).toBeVisible();
  await expect(chip(app)).toHaveText('85 credits');
  await expect(clip.locator('.badge')).toHaveText('AI Portrait');
  await expect(clip.locator('.thumb')).toHaveClass(/fx-ai-portrait/);
  await expect(app.getByTestId('activity-row').first()).toContainText('Spent');
  await expect(app.getByTestId('activity-row').first()).toContainText('−15 credits');
  await expect(app.getByTestId('activity-row').first()).toContainText('Desktop');
  await shot(app, info, 'result');

  // The result is saved with the project.
  await openEditor(app, browserHost.url);
  await expect(timelineClip(app, /Interview/).locator('.badge')).toHaveText('AI Portrait');
});

test('the keyboard alone: Shift+F10, arrows, Enter, and Esc on the dialog', async ({ app, browserHost, service }, info) => {
  const account = await service.createAccount(100);
  await browserHost.signIn(account.email, account.password);
  await openEditor(app, browserHost.url);
  const clip = await addClip(app, 'Sunrise over the bay');
  await clip.focus();
  await app.keyboard.press('Shift+F10');
  await expect(app.getByRole('menu', { name: 'Clip' })).toBeVisible();
  await app.keyboard.press('ArrowRight');
  await app.keyboard.press('ArrowDown');
  await expect(app.getByRole('menu', { name: 'AI Tools' }).getByRole('menuitem', { name: /^Smart Cutout/ })).toBeFocused();
  await shot(app, info, 'menu-by-keyboard');
  await app.keyboard.press('Enter');
  const dialog = app.getByRole('alertdialog', { name: 'Smart Cutout' });
  await expect(dialog).toContainText('This will use 8 credits. Continue?');
  await app.keyboard.press('Escape');
  await expect(dialog).toHaveCount(0);
  await expect(clip).toBeFocused();
  await expect(chip(app)).toHaveText('100 credits');
});

test('Cancel during the job returns the credits: "N credits returned"', async ({ app, browserHost, service }, info) => {
  const account = await service.createAccount(100);
  await browserHost.signIn(account.email, account.password);
  await openEditor(app, browserHost.url, { stepMs: 400 });
  const clip = await addClip(app, 'City at night');
  await chooseTool(app, clip, 'Premium Voiceover');
  await app.getByRole('alertdialog').getByRole('button', { name: 'Continue' }).click();
  const job = app.getByTestId('job').filter({ hasText: 'Premium Voiceover' });
  await expect(job).toHaveAttribute('data-status', 'running');
  await expect(chip(app)).toHaveText('90 credits');
  await expect(job.getByRole('progressbar')).toBeVisible();
  await shot(app, info, 'running');
  await job.getByRole('button', { name: 'Cancel' }).click();
  await expect(job).toContainText('Cancelled. 10 credits returned.');
  await expect(chip(app)).toHaveText('100 credits');
  await expect(clip.locator('.badge')).toHaveCount(0);
  await expect(app.getByTestId('activity-row').first()).toContainText('Returned');
  await shot(app, info, 'cancelled');
});

test('a damaged clip fails and its credits come back, while another clip\'s job runs at the same time', async ({ app, browserHost, service }, info) => {
  const account = await service.createAccount(100);
  await browserHost.signIn(account.email, account.password);
  // Steps long enough that the healthy job (12–23 steps: 6–11.5 s) is still running while the
  // second one is set up and confirmed, however busy the machine is.
  await openEditor(app, browserHost.url, { stepMs: 500 });
  const healthy = await addClip(app, 'Product spin');
  const damaged = await addClip(app, 'Drone shot (damaged)');

  await chooseTool(app, healthy, 'Remove Background');
  await app.getByRole('alertdialog').getByRole('button', { name: 'Continue' }).click();
  await chooseTool(app, damaged, 'Smart Cutout');
  await app.getByRole('alertdialog').getByRole('button', { name: 'Continue' }).click();
  await expect(app.getByTestId('job').filter({ hasText: 'Smart Cutout' })).toHaveAttribute('data-status', 'running');
  await expect(app.getByTestId('job').filter({ hasText: 'Remove Background' })).toHaveAttribute('data-status', 'running');
  await shot(app, info, 'two-jobs');

  const failed = app.getByTestId('job').filter({ hasText: 'Smart Cutout' });
  await expect(failed).toContainText("The clip's file is damaged, so it could not be processed. 8 credits returned.");
  await expect(app.getByTestId('job').filter({ hasText: 'Remove Background' })).toContainText('Remove Background applied. 5 credits used.');
  await expect(chip(app)).toHaveText('95 credits');
  await expect(damaged.locator('.badge')).toHaveCount(0);
  await expect(healthy.locator('.badge')).toHaveText('Remove Background');
  await shot(app, info, 'failed-and-done');
});

test('AI Generate → AI Image asks for a prompt and adds the generated clip', async ({ app, browserHost, service }, info) => {
  const account = await service.createAccount(100);
  await browserHost.signIn(account.email, account.password);
  await openEditor(app, browserHost.url);
  await app.getByRole('button', { name: /AI Generate/ }).click();
  await app.getByRole('menu', { name: 'AI Generate' }).getByRole('menuitem', { name: /^AI Image/ }).click();
  await app.getByLabel('Describe the image').fill('A paper boat on a neon river');
  await app.getByRole('dialog', { name: 'AI Image' }).getByRole('button', { name: 'Continue' }).click();
  const dialog = app.getByRole('alertdialog', { name: 'AI Image' });
  await expect(dialog).toContainText('This will use 20 credits. Continue?');
  await dialog.getByRole('button', { name: 'Continue' }).click();
  await expect(timelineClip(app, /A paper boat on a neon river/).locator('.badge')).toHaveText('AI Image');
  await expect(chip(app)).toHaveText('80 credits');
  await shot(app, info, 'generated');
});
