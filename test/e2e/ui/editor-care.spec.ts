/// <reference lib="dom" />
/**
 * Issue 18 item 9: toasts that collapse, go by themselves and keep off the panels' headings;
 * files dropped on the timeline land where dropped; imported media can be removed (warned when
 * clips use it); signing out mid-job says what became of the credits; a pending sign-in can be
 * cancelled; "not enough credits" is said once.
 */
import type { Locator, Page } from '@playwright/test';
import { expect, test } from '../fixtures/cutline';
import { importFiles, mp4, wav, type MediaFile } from './media-files';
import { addClip, chip, chooseTool, openEditor, shot, timelineClip } from './support';

/** Drops files from the OS on `target` at `x` (page pixels). */
async function dropFiles(page: Page, target: Locator, files: MediaFile[], x?: number): Promise<void> {
  const transfer = await page.evaluateHandle((list) => {
    const dt = new DataTransfer();
    for (const f of list) dt.items.add(new File([Uint8Array.from(atob(f.b64), (c) => c.charCodeAt(0))], f.name, { type: f.mimeType }));
    return dt;
  }, files.map((f) => ({ name: f.name, mimeType: f.mimeType, b64: f.buffer.toString('base64') })));
  const box = (await target.boundingBox())!;
  const at = { dataTransfer: transfer, clientX: x ?? box.x + box.width / 2, clientY: box.y + box.height / 2 };
  await target.dispatchEvent('dragover', at);
  await target.dispatchEvent('drop', at);
}

const pdf = (name: string): MediaFile => ({ name, mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.4') });

test('toasts: repeats collapse, at most three, Dismiss all, info goes by itself, never over a panel heading', async ({ app, browserHost }, info) => {
  await openEditor(app, browserHost.url);
  const panel = app.getByTestId('media-panel');
  for (let i = 0; i < 3; i++) await dropFiles(app, panel, [pdf('notes.pdf')]);
  const toasts = app.getByTestId('notice');
  await expect(toasts).toHaveCount(1);
  await expect(toasts.first()).toContainText('“notes.pdf” can\'t be imported');
  await expect(toasts.first().getByTestId('notice-count')).toHaveText('×3');

  await dropFiles(app, panel, ['a.pdf', 'b.pdf', 'c.pdf', 'd.pdf'].map(pdf));
  await expect(toasts).toHaveCount(3);
  await expect(toasts.last()).toContainText('“d.pdf”');
  // none covers a panel's heading
  const headings = await app.locator('.panel-title').evaluateAll((els) => els.map((el) => el.getBoundingClientRect().toJSON() as DOMRect));
  const boxes = await toasts.evaluateAll((els) => els.map((el) => el.getBoundingClientRect().toJSON() as DOMRect));
  const overlaps = (a: DOMRect, b: DOMRect) => a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
  expect(boxes.flatMap((t) => headings.filter((h) => overlaps(t, h)))).toEqual([]);
  await shot(app, info, 'toasts');

  await app.getByRole('button', { name: 'Dismiss all' }).click();
  await expect(toasts).toHaveCount(0);

  // a success toast goes by itself after a few seconds
  await importFiles(app, [wav('Hum.wav', 1)]);
  await expect(toasts.filter({ hasText: 'Imported “Hum”.' })).toHaveCount(1);
  await expect(toasts.filter({ hasText: 'Imported “Hum”.' })).toHaveCount(0, { timeout: 20_000 });
});

test('files dropped on the timeline are imported and land where they were dropped', async ({ app, browserHost }, info) => {
  await openEditor(app, browserHost.url);
  await addClip(app, 'Sunrise over the bay');
  await addClip(app, 'City at night');
  const first = (await timelineClip(app, /Sunrise/).boundingBox())!;
  const track = app.getByRole('listbox', { name: 'Timeline clips' });
  // just past the first clip's right edge: between the two
  await dropFiles(app, track, [await mp4(app, 'Dropped take.mp4', 2)], first.x + first.width + 2);
  const names = track.getByRole('option');
  await expect(names).toHaveCount(3, { timeout: 30_000 });
  // each clip's name is its own text (the option has no aria-label of its own)
  expect(await names.locator('.clip-name').allTextContents()).toEqual(['Sunrise over the bay', 'Dropped take', 'City at night']);
  await expect(app.getByRole('list', { name: 'Your media' })).toContainText('Dropped take');
  await shot(app, info, 'dropped-on-timeline');
});

test('imported media can be removed: at once when unused, after a warning when clips use it', async ({ app, browserHost }, info) => {
  await openEditor(app, browserHost.url);
  await importFiles(app, [wav('Unused.wav', 1), wav('Voice.wav', 1)]);
  await app.getByRole('button', { name: 'Add Voice to the timeline' }).click();
  await app.getByRole('button', { name: 'Add Voice to the timeline' }).click();
  const yours = app.getByRole('list', { name: 'Your media' }).getByRole('listitem');

  await app.getByRole('button', { name: 'Remove Unused from your media' }).click();
  await expect(yours).toHaveCount(1);

  await app.getByRole('button', { name: 'Remove Voice from your media' }).click();
  const dialog = app.getByRole('alertdialog', { name: 'Remove “Voice”?' });
  await expect(dialog).toContainText('2 clips on your timelines use this file. Removing it removes those clips too');
  await shot(app, info, 'remove-used-media');
  await dialog.getByRole('button', { name: 'Keep it' }).click();
  await expect(yours).toHaveCount(1);
  await app.getByRole('button', { name: 'Remove Voice from your media' }).click();
  await dialog.getByRole('button', { name: 'Remove file and 2 clips' }).click();
  await expect(app.getByRole('list', { name: 'Your media' })).toHaveCount(0);
  await expect(app.getByRole('listbox', { name: 'Timeline clips' })).toHaveCount(0);
  await expect(app.getByText('Saved', { exact: true })).toBeVisible();

  // and after a reload: gone, files too
  await openEditor(app, browserHost.url);
  await expect(app.getByRole('list', { name: 'Your media' })).toHaveCount(0);
  expect(browserHost.host.core.media!.list()).toEqual([]);
});

test('signing out mid-job says what became of the credits, and none stay held', async ({ app, browserHost, service }, info) => {
  const account = await service.createAccount(100);
  const phone = await service.secondDevice(account);
  await browserHost.signIn(account.email, account.password);
  await openEditor(app, browserHost.url, { stepMs: 500 });
  await chooseTool(app, await addClip(app, 'Interview — Maya'), 'AI Portrait');
  await app.getByRole('alertdialog', { name: 'AI Portrait' }).getByRole('button', { name: 'Continue' }).click();
  await expect(app.getByTestId('job')).toHaveAttribute('data-status', 'running');
  await expect(chip(app)).toHaveText('85 credits');

  await app.getByRole('button', { name: 'Sign out' }).click();
  await expect(app.getByTestId('notice').filter({ hasText: 'Signed out. AI Portrait was cancelled: 15 credits returned.' })).toBeVisible();
  await shot(app, info, 'signed-out-mid-job');
  expect(await phone.balance()).toMatchObject({ total: 100, held: 0 });
});

test('a pending sign-in can be cancelled: its callback is refused if it still comes', async ({ app, browserHost, context, service }, info) => {
  const account = await service.createAccount(10);
  await app.getByRole('button', { name: 'Sign in' }).click();
  await expect(app.getByText('Continue in your browser…')).toBeVisible();
  await app.getByRole('button', { name: 'Cancel sign-in' }).click();
  await expect(app.getByRole('button', { name: 'Sign in' })).toBeVisible();
  await expect(app.getByText('Continue in your browser…')).toHaveCount(0);
  await shot(app, info, 'sign-in-cancelled');

  // the user finishes it in the tab anyway: the app does not take it
  const tab = await browserHost.signInTab(context);
  await tab.getByLabel('Email').fill(account.email);
  await tab.getByLabel('Password').fill(account.password);
  await tab.getByRole('button', { name: 'Sign in' }).click();
  await expect(tab.getByRole('heading', { name: 'Sign-in did not finish' })).toBeVisible();
  await expect(app.getByRole('button', { name: 'Sign in' })).toBeVisible();
  expect((await browserHost.host.core.cutline.getState()).account).toBeNull();
});

test('"Not enough credits" is said once: the title, then the way out', async ({ app, browserHost, service }) => {
  const account = await service.createAccount(10);
  await browserHost.signIn(account.email, account.password);
  await openEditor(app, browserHost.url);
  await chooseTool(app, await addClip(app, 'Interview — Maya'), 'AI Portrait');
  const dialog = app.getByRole('alertdialog', { name: 'Not enough credits' });
  await expect(dialog.locator('.dialog-question')).toHaveText('Buy credits or upgrade to Pro');
  expect((await dialog.innerText()).match(/not enough credits/gi)).toHaveLength(1);
});
