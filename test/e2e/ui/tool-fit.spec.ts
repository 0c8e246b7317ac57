/**
 * Issue 18 item 4: each tool applies to what it can (video, image, audio). The menus show the
 * others disabled with the reason, main refuses them before any quote, and a tool already applied
 * to a clip needs an explicit second yes. Real files: MP3, WAV, PNG, JPEG, H.264 MP4.
 */
import type { CutlineApi } from '@cutline/contract/ipc';
import { expect, test } from '../fixtures/cutline';
import { importFiles, mp3, mp4, still, wav } from './media-files';
import { addClip, chip, chooseTool, openEditor, shot, timelineClip } from './support';

test('the menus offer each clip only the tools that apply to it, and say why the others do not', async ({ app, browserHost, service }, info) => {
  const account = await service.createAccount(100);
  await browserHost.signIn(account.email, account.password);
  await openEditor(app, browserHost.url);
  await importFiles(app, [mp3('Voice memo.mp3'), wav('Room tone.wav'), await still(app, 'Poster.png', 'image/png'), await still(app, 'Photo.jpg', 'image/jpeg'), await mp4(app, 'Walkthrough.mp4')]);
  for (const name of ['Voice memo', 'Room tone', 'Poster', 'Photo', 'Walkthrough']) await app.getByRole('button', { name: `Add ${name} to the timeline` }).click();

  const toolsOn = async (clipName: string) => {
    await timelineClip(app, new RegExp(clipName)).click({ button: 'right' });
    await app.getByRole('menuitem', { name: /^AI Tools/ }).hover();
    const menu = app.getByRole('menu', { name: 'AI Tools' });
    await expect(menu).toBeVisible();
    const items = await menu.getByRole('menuitem').evaluateAll((els) =>
      els.map((el) => ({ name: el.querySelector('.menu-label')?.textContent ?? el.textContent, disabled: el.getAttribute('aria-disabled') === 'true', reason: el.querySelector('.menu-reason')?.textContent ?? null })),
    );
    await app.keyboard.press('Escape');
    await app.keyboard.press('Escape');
    return items;
  };
  const enabled = (items: { name: string | null; disabled: boolean }[]) => items.filter((i) => !i.disabled).map((i) => i.name);

  for (const audio of ['Voice memo', 'Room tone']) {
    const items = await toolsOn(audio);
    expect(enabled(items)).toEqual(['Premium Voiceover', 'Auto Captions']);
    expect(items.find((i) => i.name === 'Remove Background')?.reason).toBe('Remove Background works on video and images; this clip is audio.');
  }
  for (const image of ['Poster', 'Photo']) {
    const items = await toolsOn(image);
    expect(enabled(items)).toEqual(['Remove Background', 'Smart Cutout', 'AI Portrait']);
    expect(items.find((i) => i.name === 'Premium Voiceover')?.reason).toBe('Premium Voiceover works on video and audio; this clip is an image.');
  }
  expect((await toolsOn('Walkthrough')).every((i) => !i.disabled)).toBe(true);
  await timelineClip(app, /Voice memo/).click({ button: 'right' });
  await app.getByRole('menuitem', { name: /^AI Tools/ }).hover();
  await shot(app, info, 'audio-clip-tools');
  await app.keyboard.press('Escape');

  // main refuses them as well, before any quote: straight through window.cutline
  const refused = await app.evaluate(async () => {
    const { cutline } = globalThis as unknown as { cutline: CutlineApi };
    const media = await cutline.listMedia();
    const memo = media.find((m) => m.name === 'Voice memo')!;
    const quote = await cutline.quote({ tool: 'remove-background', mediaId: memo.id });
    const hold = await cutline.hold({ actionId: 'act_refused_audio', tool: 'remove-background', target: { kind: 'clip', projectId: 'p', clipId: 'c', mediaId: memo.id } });
    return { quote, hold };
  });
  expect(refused.quote).toMatchObject({ ok: false, error: { code: 'not_applicable', message: 'Remove Background works on video and images; this clip is audio.' } });
  expect(refused.hold).toMatchObject({ ok: false, error: { code: 'not_applicable' } });
  await expect(chip(app)).toHaveText('100 credits');
  const ledger = await browserHost.host.core.cutline.getLedger({ limit: 10 });
  expect(ledger.ok && ledger.value.entries.filter((e) => e.kind === 'hold')).toEqual([]);
});

test('a tool already applied to the clip: the dialog says so and Continue waits for an explicit second yes', async ({ app, browserHost, service }, info) => {
  const account = await service.createAccount(100);
  await browserHost.signIn(account.email, account.password);
  await openEditor(app, browserHost.url);
  const clip = await addClip(app, 'Interview — Maya');
  await chooseTool(app, clip, 'AI Portrait');
  const dialog = app.getByRole('alertdialog', { name: 'AI Portrait' });
  await expect(dialog.getByTestId('applied-again')).toHaveCount(0);
  await dialog.getByRole('button', { name: 'Continue' }).click();
  await expect(app.getByTestId('job')).toHaveAttribute('data-status', 'done');
  await expect(chip(app)).toHaveText('85 credits');

  await chooseTool(app, clip, 'AI Portrait');
  await expect(dialog.getByTestId('applied-again')).toContainText('AI Portrait is already applied to this clip.');
  const go = dialog.getByRole('button', { name: 'Continue' });
  await expect(go).toBeDisabled();
  await shot(app, info, 'applied-again');
  await dialog.getByLabel('Apply AI Portrait again and pay for it a second time').check();
  await go.click();
  await expect(app.getByTestId('job').filter({ hasText: 'AI Portrait' }).first()).toHaveAttribute('data-status', 'done');
  await expect(chip(app)).toHaveText('70 credits');
});
