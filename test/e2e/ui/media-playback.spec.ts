/// <reference lib="dom" />
/**
 * The editor a user believes: own media imported by the file input and by dropping a file, a
 * timeline scaled to time that plays, zoom, delete + undo, an AI result undone and redone without
 * a second charge, and imported media still there after a reload. The video is made in the page
 * (canvas + MediaRecorder): a real WebM the browser decodes.
 */
import type { Page } from '@playwright/test';
import { expect, test } from '../fixtures/cutline';
import { recordVideo } from './media-files';
import { addClip, chip, chooseTool, openEditor, shot, timelineClip } from './support';

/** Records `seconds` of an animated canvas as WebM in the page; returns the file as base64. */
async function makeWebm(page: Page, seconds = 2): Promise<string> {
  return (await recordVideo(page, seconds)).toString('base64');
}

const yourMedia = (page: Page) => page.getByRole('list', { name: 'Your media' }).getByRole('listitem');
const seconds = (text: string) => {
  const [m, s] = text.split(':');
  return Number(m) * 60 + Number(s);
};

test('import a video by the file input and by dropping it, play it on the timeline, zoom, delete and undo, and find it all after a reload', async ({ app, browserHost }, info) => {
  // many steps on a shared two-core machine: more than the default minute
  test.setTimeout(180_000);
  await openEditor(app, browserHost.url);
  const webm = await makeWebm(app, 4);

  // 1. Import media… → the file chooser (the browser host's file input)
  const chooser = app.waitForEvent('filechooser');
  await app.getByRole('button', { name: 'Import media…' }).click();
  await (await chooser).setFiles({ name: 'Harbour walk.webm', mimeType: 'video/webm', buffer: Buffer.from(webm, 'base64') });
  await expect(yourMedia(app)).toHaveCount(1);
  await expect(yourMedia(app).first()).toContainText('Harbour walk');
  await expect(yourMedia(app).first()).toContainText('video · 0:04');
  await expect(yourMedia(app).first().locator('img')).toHaveAttribute('src', /^data:image\/jpeg;base64,/);

  // 2. Drop files from the OS onto the media panel: the video is kept, a PDF is refused with a sentence
  const transfer = await app.evaluateHandle((b64) => {
    const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
    const dt = new DataTransfer();
    dt.items.add(new File([bytes], 'Dropped clip.webm', { type: 'video/webm' }));
    dt.items.add(new File(['%PDF-1.4'], 'notes.pdf', { type: 'application/pdf' }));
    return dt;
  }, webm);
  await app.getByTestId('media-panel').dispatchEvent('dragover', { dataTransfer: transfer });
  await app.getByTestId('media-panel').dispatchEvent('drop', { dataTransfer: transfer });
  await expect(yourMedia(app)).toHaveCount(2);
  await expect(yourMedia(app).nth(1)).toContainText('Dropped clip');
  await expect(app.getByRole('alert').filter({ hasText: '“notes.pdf” can\'t be imported' })).toBeVisible();

  // 3. On the timeline, the clip is as long as the video; Space plays; the playhead and the time move
  await app.getByRole('button', { name: 'Add Harbour walk to the timeline' }).click();
  await addClip(app, 'Sunrise over the bay');
  const clip = timelineClip(app, /Harbour walk/);
  await expect(clip).toContainText('0:04');
  await expect(app.getByTestId('preview')).toHaveAttribute('data-media-kind', 'video');
  await expect(app.getByTestId('current-time')).toHaveText('0:00.0');
  const playhead = app.getByTestId('playhead');
  const x0 = (await playhead.boundingBox())!.x;
  await clip.click();
  await app.keyboard.press('Space');
  await expect(app.getByRole('button', { name: 'Pause' })).toBeVisible();
  // the preview's video element plays along
  await expect.poll(() => app.getByTestId('preview-video').evaluate((v: HTMLVideoElement) => v.currentTime)).toBeGreaterThan(0.1);
  await expect.poll(async () => seconds(await app.getByTestId('current-time').innerText())).toBeGreaterThan(0.5);
  await expect.poll(async () => (await playhead.boundingBox())!.x).toBeGreaterThan(x0 + 5);
  await app.keyboard.press('k');
  await expect(app.getByRole('button', { name: 'Play' })).toBeVisible();
  const paused = await app.getByTestId('current-time').innerText();
  await shot(app, info, 'playing');

  // scrubbing: a click on the ruler moves the playhead there; paused, the video shows that frame
  const ruler = app.getByTestId('ruler');
  await ruler.click({ position: { x: 16 * 1.5, y: 8 } });
  await expect(app.getByTestId('current-time')).not.toHaveText(paused);
  await expect.poll(async () => seconds(await app.getByTestId('current-time').innerText())).toBeLessThan(2);
  const shownAt = seconds(await app.getByTestId('current-time').innerText());
  await expect.poll(() => app.getByTestId('preview-video').evaluate((v: HTMLVideoElement) => v.currentTime)).toBeCloseTo(shownAt, 0);
  // 6 s at 16 px/s → the sunrise clip
  await ruler.click({ position: { x: 16 * 6, y: 8 } });
  await expect.poll(async () => seconds(await app.getByTestId('current-time').innerText())).toBeGreaterThan(5.5);
  await expect(app.getByTestId('preview')).toContainText('Sunrise over the bay');

  // 4. Zoom: Ctrl+= widens every clip, the Zoom out button narrows them again
  const width = async () => (await clip.boundingBox())!.width;
  const w0 = await width();
  await app.keyboard.press('Control+Equal');
  await expect.poll(width).toBeGreaterThan(w0 * 1.3);
  await app.getByRole('button', { name: 'Zoom out' }).click();
  await expect.poll(width).toBeLessThan(w0 * 1.1);

  // 5. Delete a clip, then Ctrl+Z brings it back
  await clip.focus();
  await app.keyboard.press('Delete');
  await expect(timelineClip(app, /Harbour walk/)).toHaveCount(0);
  await app.keyboard.press('Control+z');
  await expect(timelineClip(app, /Harbour walk/)).toHaveCount(1);
  await expect(app.getByText('Undid: Remove “Harbour walk”.')).toBeVisible();
  await expect(app.getByText('Saved', { exact: true })).toBeVisible();

  // 6. After a reload the imported media, its clip and the file itself are still there
  await openEditor(app, browserHost.url);
  await expect(yourMedia(app)).toHaveCount(2);
  await expect(timelineClip(app, /Harbour walk/)).toContainText('0:04');
  const status = await app.evaluate(async () => {
    const img = document.querySelector<HTMLVideoElement>('[data-testid="preview-video"]');
    return img ? (await fetch(img.src)).status : 0;
  });
  expect(status).toBe(200);
  await expect(app).toHaveTitle(/ — Cutline$/);
  await shot(app, info, 'after-reload');
});

test('an AI result undone and redone costs nothing more; the UI says so', async ({ app, browserHost, service }, info) => {
  const account = await service.createAccount(100);
  await browserHost.signIn(account.email, account.password);
  await openEditor(app, browserHost.url);
  const clip = await addClip(app, 'Interview — Maya');
  await chooseTool(app, clip, 'AI Portrait');
  await app.getByRole('alertdialog', { name: 'AI Portrait' }).getByRole('button', { name: 'Continue' }).click();
  await expect(clip.locator('.badge')).toHaveText('AI Portrait');
  await expect(chip(app)).toHaveText('85 credits');

  await app.getByRole('button', { name: 'Undo' }).click();
  await expect(clip.locator('.badge')).toHaveCount(0);
  await expect(app.getByText(/Undid AI Portrait on “Interview — Maya”\. The result is hidden, not refunded: its credits stay spent\. Redo shows it again at no cost\./)).toBeVisible();
  await expect(app.getByTestId('hidden-results')).toContainText('1 AI result is hidden');
  await expect(chip(app)).toHaveText('85 credits');
  await shot(app, info, 'undone');

  await app.keyboard.press('Control+Shift+Z');
  await expect(clip.locator('.badge')).toHaveText('AI Portrait');
  await expect(app.getByText(/shown again at no cost, nothing was charged/)).toBeVisible();
  await expect(chip(app)).toHaveText('85 credits');
  // the service agrees: one charge captured, 85 left
  const balance = await browserHost.host.core.service.balance();
  expect(balance.ok && balance.value.total).toBe(85);
  const ledger = await browserHost.host.core.cutline.getLedger({ limit: 50 });
  expect(ledger.ok && ledger.value.entries.filter((e) => e.kind === 'capture')).toHaveLength(1);
});

test('many imported clips: every thumbnail in view shows, the rest wait in boxes of the same size until scrolled to', async ({ app, browserHost }, info) => {
  test.setTimeout(180_000);
  await openEditor(app, browserHost.url);
  const webm = Buffer.from(await makeWebm(app, 4), 'base64');
  const TAKES = 24; // 24 clips of 4 s at 16 px/s: wider than the timeline, taller than the media panel
  const chooser = app.waitForEvent('filechooser');
  await app.getByRole('button', { name: 'Import media…' }).click();
  await (await chooser).setFiles(Array.from({ length: TAKES }, (_, i) => ({ name: `Take ${i + 1}.webm`, mimeType: 'video/webm', buffer: webm })));
  await expect(yourMedia(app)).toHaveCount(TAKES, { timeout: 120_000 });
  for (let i = 1; i <= TAKES; i++) await app.getByRole('button', { name: `Add Take ${i} to the timeline`, exact: true }).click();
  const clips = app.getByRole('listbox', { name: 'Timeline clips' }).getByRole('option');
  await expect(clips).toHaveCount(TAKES);
  await expect(app.getByText('Saved', { exact: true })).toBeVisible();

  // the editor as it opens with them
  await openEditor(app, browserHost.url);
  await expect(clips).toHaveCount(TAKES);
  const first = timelineClip(app, /^Take 1\b/); // "Take 1, clip 1, …" (not Take 10–19)
  const last = timelineClip(app, new RegExp(`^Take ${TAKES}\\b`));
  const firstPicture = first.locator('.thumb img');
  await expect(firstPicture).toHaveAttribute('src', /^data:image\/jpeg;base64,/);
  await expect.poll(() => firstPicture.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0)).toBe(true);
  // off to the right of the timeline: a box of the picture's size, no picture yet
  const waiting = last.getByTestId('thumbnail-pending');
  await expect(waiting).toHaveCount(1);
  await expect(last.locator('img')).toHaveCount(0);
  const size = async (l: typeof first) => {
    const b = (await l.boundingBox())!;
    return { width: Math.round(b.width), height: Math.round(b.height) };
  };
  expect(await size(waiting)).toEqual(await size(firstPicture));
  const lastMedia = yourMedia(app).nth(TAKES - 1);
  await expect(lastMedia.getByTestId('thumbnail-pending')).toHaveCount(1);
  expect(await size(lastMedia.getByTestId('thumbnail-pending'))).toEqual(await size(yourMedia(app).first().locator('img')));
  await shot(app, info, 'many-clips-opened');

  // scrolled to, each shows its thumbnail in the same box
  await app.locator('.timeline-scroll').evaluate((el) => (el.scrollLeft = el.scrollWidth));
  const lastPicture = last.locator('.thumb img');
  await expect(lastPicture).toHaveAttribute('src', /^data:image\/jpeg;base64,/);
  await expect.poll(() => lastPicture.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0)).toBe(true);
  expect(await size(lastPicture)).toEqual(await size(firstPicture));
  await lastMedia.scrollIntoViewIfNeeded();
  await expect(lastMedia.locator('img')).toHaveAttribute('src', /^data:image\/jpeg;base64,/);
  await shot(app, info, 'many-clips-scrolled');
});
