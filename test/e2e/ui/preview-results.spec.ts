/// <reference lib="dom" />
/**
 * Issue 18 item 3: a paid result shows on the user's own video in the preview, paused and while
 * playing — not only on the timeline's thumbnail. The video is real H.264 in MP4.
 */
import type { Locator } from '@playwright/test';
import { expect, test } from '../fixtures/cutline';
import { importFiles, mp4 } from './media-files';
import { chip, chooseTool, openEditor, shot, timelineClip } from './support';

const look = (video: Locator) =>
  video.evaluate((v: HTMLVideoElement) => {
    const css = getComputedStyle(v);
    return { mask: css.maskImage || css.webkitMaskImage, filter: css.filter };
  });

test('Remove Background and AI Portrait on an imported MP4: the preview video shows both, paused and playing', async ({ app, browserHost, service }, info) => {
  const account = await service.createAccount(100);
  await browserHost.signIn(account.email, account.password);
  await openEditor(app, browserHost.url);
  await importFiles(app, [await mp4(app, 'Street interview.mp4', 3)]);
  await app.getByRole('button', { name: 'Add Street interview to the timeline' }).click();
  const clip = timelineClip(app, /Street interview/);
  await clip.click();
  const video = app.getByTestId('preview-video');
  await expect(app.getByTestId('preview')).toHaveAttribute('data-media-kind', 'video');
  expect(await look(video)).toEqual({ mask: 'none', filter: 'none' });

  for (const tool of ['Remove Background', 'AI Portrait']) {
    await chooseTool(app, clip, tool);
    await app.getByRole('alertdialog', { name: tool }).getByRole('button', { name: 'Continue' }).click();
    await expect(app.getByTestId('job').filter({ hasText: tool })).toHaveAttribute('data-status', 'done');
  }
  await expect(chip(app)).toHaveText('80 credits');

  // paused: the frame under the playhead, with both results
  const paused = await look(video);
  expect(paused.mask).toContain('radial-gradient');
  expect(paused.filter).toContain('saturate(1.5)');
  await shot(app, info, 'preview-paused');

  // playing: the same
  await clip.click();
  await app.keyboard.press('Space');
  await expect(app.getByRole('button', { name: 'Pause' })).toBeVisible();
  await expect.poll(() => video.evaluate((v: HTMLVideoElement) => !v.paused && v.currentTime > 0.2)).toBe(true);
  expect(await look(video)).toEqual(paused);
  await shot(app, info, 'preview-playing');
});
