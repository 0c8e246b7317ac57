/**
 * A team member's limit on the pool in the app, against the real service: the chip and its
 * details in the member's words, the confirm dialog naming the limit and asking before their own
 * credits (the tick), "your limit is reached" → Request more… sent from the app → a team admin
 * approves on the web /team page → the member's app updates live (chip and notice). Each dialog
 * passes axe.
 */
import { randomBytes } from 'node:crypto';
import { admin, call, signIn } from '@cutline/service/test/helpers/client';
import { expectAccessible } from '../fixtures/axe';
import { expect, test } from '../fixtures/cutline';
import { addClip, chip, chooseTool, openEditor, shot } from './support';

test('the member sees their share, ticks before their own credits, asks for more; the approval on /team reaches the app live', async ({ app, browserHost, service, browser }, info) => {
  const team = await admin(service.url, 'POST', '/admin/v1/teams', { name: `Trailer ${randomBytes(3).toString('hex')}`, creditsPerCycle: 300 });
  const owner = await service.createAccount(0);
  const member = await service.createAccount(20); // 20 activity credits of their own
  await admin(service.url, 'POST', `/admin/v1/teams/${team.body.id}/members`, { userId: owner.id, role: 'owner' });
  await admin(service.url, 'POST', `/admin/v1/teams/${team.body.id}/members`, { userId: member.id });
  const ownerToken = (await signIn(service.url, owner.email, owner.password)).access_token;
  expect((await call(service.url, 'PUT', `/v1/team/members/${member.id}/limit`, { token: ownerToken, body: { credits: 20 } })).status).toBe(200);

  await browserHost.signIn(member.email, member.password);
  await openEditor(app, browserHost.url);

  // The member's view: their share of the pool, then their own credits.
  await expect(chip(app)).toHaveText('20 of 300 team · 20 own');
  await app.getByTestId('balance-chip').click();
  const share = app.getByTestId('team-share');
  await expect(share).toContainText("You can spend 20 of the team's 300 credits this cycle (your limit: 20).");
  await expect(share).toContainText('Then 20 credits of your own');
  await shot(app, info, 'member-details');
  await app.keyboard.press('Escape');

  // Within the limit: the dialog names it, and asks nothing about their own credits.
  const first = await addClip(app, 'Interview — Maya');
  await chooseTool(app, first, 'AI Portrait');
  let dialog = app.getByRole('alertdialog', { name: 'AI Portrait' });
  await expect(dialog.getByTestId('confirm-limit')).toHaveText("Your limit on the team's credits: 20 of 20 left this cycle.");
  await expect(dialog.getByTestId('personal-consent')).toHaveCount(0);
  await dialog.getByRole('button', { name: 'Continue' }).click();
  await expect(chip(app)).toHaveText('5 of 285 team · 20 own');

  // Past the limit: 5 from the pool, 10 of their own — only after the tick.
  const second = await addClip(app, 'Forest trail');
  await chooseTool(app, second, 'AI Portrait');
  dialog = app.getByRole('alertdialog', { name: 'AI Portrait' });
  const consent = dialog.getByTestId('personal-consent');
  await expect(consent).toContainText("This uses 10 credits of your own (10 activity credits), because your limit on the team's credits has 5 credits left.");
  const go = dialog.getByRole('button', { name: 'Continue' });
  await expect(go).toBeDisabled();
  await expectAccessible(app, info, 'confirm with the personal-credits tick');
  await shot(app, info, 'consent');
  await consent.getByRole('checkbox', { name: 'Use 10 credits of my own' }).check();
  await expect(go).toBeEnabled();
  await go.click();
  await expect(chip(app)).toHaveText('0 of 280 team · 10 own');
  // the hold carried the consent: the service took exactly those 10 of their own
  const memberToken = (await signIn(service.url, member.email, member.password)).access_token;
  const captured = async () => {
    const entries = (await call(service.url, 'GET', '/v1/ledger?limit=50', { token: memberToken })).body.entries as { kind: string; type: string; amount: number; tool: string }[];
    return entries.filter((e) => e.kind === 'capture' && e.tool === 'ai-portrait').map((e) => [e.type, e.amount]).sort();
  };
  await expect.poll(captured).toEqual([
    ['activity', 10],
    ['subscription', 15],
    ['subscription', 5],
  ]);

  // The limit is reached and their own 10 do not cover 15: Request more…
  const third = await addClip(app, 'Product spin');
  await chooseTool(app, third, 'AI Portrait');
  const notEnough = app.getByRole('alertdialog', { name: 'Not enough credits' });
  await expect(notEnough).toContainText("Your limit on the team's credits is reached");
  await expect(notEnough).toContainText("You can use 0 credits more of the team's 280 credits this cycle (your limit: 20), and you have 10 credits of your own.");
  await expectAccessible(app, info, 'not enough: the limit is reached');
  await notEnough.getByRole('button', { name: 'Request more…' }).click();
  const ask = app.getByRole('dialog', { name: 'Request more credits' });
  await ask.getByLabel('Credits to add to your limit').fill('25');
  await ask.getByLabel('Note for the admins (optional)').fill('Trailer colour pass');
  await expectAccessible(app, info, 'request more');
  await ask.getByRole('button', { name: 'Send request' }).click();
  await expect(app.getByTestId('notice').filter({ hasText: "Your request for 25 credits more is sent to your team's admins." })).toBeVisible();

  // A team admin approves on the web page.
  const web = await browser.newContext({ baseURL: service.url });
  const page = await web.newPage();
  await page.goto('/team');
  await page.getByLabel('Email').fill(owner.email);
  await page.getByLabel('Password').fill(owner.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(/\/team$/);
  const request = page.getByRole('row').filter({ hasText: 'Trailer colour pass' });
  await expect(request).toContainText(member.email);
  await request.getByRole('button', { name: `Approve 25 more credits for ${member.email}` }).click();
  await expect(page.getByRole('status')).toHaveText('Approved: the member’s limit is raised.');
  await web.close();

  // The member's app hears it at once: a notice and the chip with the new share.
  await expect(app.getByTestId('notice').filter({ hasText: "Your request for 25 credits more was approved. Your limit on the team's credits is now 45." })).toBeVisible();
  await expect(chip(app)).toHaveText('25 of 280 team · 10 own');
  await shot(app, info, 'approved-live');
});
