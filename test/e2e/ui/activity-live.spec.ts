/**
 * Issue 18 item 1: a live Activity row shows the whole charge, every credit type at once — the
 * same row a reload shows. A charge drawn from several batches writes one ledger entry per batch
 * and its push carries them all.
 */
import { admin } from '@cutline/service/test/helpers/client';
import type { Page } from '@playwright/test';
import { expect, test } from '../fixtures/cutline';
import { addClip, chip, chooseTool, openEditor, shot } from './support';

const DAY = 86_400_000;

async function runPortrait(app: Page, ownCredits?: number): Promise<void> {
  await chooseTool(app, await addClip(app, 'Interview — Maya'), 'AI Portrait');
  const dialog = app.getByRole('alertdialog', { name: 'AI Portrait' });
  // a team member agrees to their own credits with a tick before the charge may use them
  if (ownCredits) await dialog.getByTestId('personal-consent').getByRole('checkbox', { name: `Use ${ownCredits} credits of my own` }).check();
  await dialog.getByRole('button', { name: 'Continue' }).click();
  await expect(app.getByTestId('job').filter({ hasText: 'AI Portrait' })).toHaveAttribute('data-status', 'done');
}

/** Runs AI Portrait; the live row must read `expected`, and the same after a reload. */
async function liveRowAsAfterReload(
  app: Page,
  hostUrl: string,
  expected: { kind: string; amount: string; types: string },
  shoot: () => Promise<void>,
  ownCredits?: number,
): Promise<void> {
  await runPortrait(app, ownCredits);
  const live = await firstRow(app);
  expect(live).toEqual(expected);
  await shoot();
  await openEditor(app, hostUrl);
  await expect(app.getByTestId('activity-row').first()).toContainText('Spent');
  expect(await firstRow(app)).toEqual(live);
}

/** The first Activity row's words, without its time (the same instant either way). */
async function firstRow(app: Page): Promise<{ kind: string; amount: string; types: string }> {
  const row = app.getByTestId('activity-row').first();
  return {
    kind: (await row.locator('.activity-kind').textContent()) ?? '',
    amount: (await row.locator('.activity-amount').textContent()) ?? '',
    types: (await row.locator('.activity-types').textContent()) ?? '',
  };
}

test('12 subscription + 3 purchased: the live row says −15 credits · subscription, purchased, as after a reload', async ({ app, browserHost, service }, info) => {
  const account = await service.createAccount(0);
  const grant = async (type: string, amount: number, expiresAt: string | null) =>
    expect((await admin(service.url, 'POST', '/admin/v1/grants', { userId: account.id, type, amount, expiresAt, source: 'test' })).status).toBe(201);
  await grant('subscription', 12, new Date(Date.now() + 20 * DAY).toISOString());
  await grant('purchased', 3, new Date(Date.now() + 700 * DAY).toISOString());
  await browserHost.signIn(account.email, account.password);
  await openEditor(app, browserHost.url);
  await expect(chip(app)).toHaveText('15 credits');

  await liveRowAsAfterReload(app, browserHost.url, { kind: 'Spent', amount: '−15 credits', types: 'subscription, purchased' }, () => shot(app, info, 'live-row-two-types'));
  await expect(chip(app)).toHaveText('0 credits');
});

test("a team member's 7 team + 8 activity: the live row says −15 credits · subscription, activity, as after a reload", async ({ app, browserHost, service }, info) => {
  const team = await admin(service.url, 'POST', '/admin/v1/teams', { name: 'Live rows', creditsPerCycle: 7 });
  expect(team.status).toBe(201);
  const member = await service.createAccount(8);
  expect((await admin(service.url, 'POST', `/admin/v1/teams/${team.body.id}/members`, { userId: member.id })).status).toBe(201);
  await browserHost.signIn(member.email, member.password);
  await openEditor(app, browserHost.url);
  await expect(chip(app)).toHaveText('15 credits');

  await liveRowAsAfterReload(app, browserHost.url, { kind: 'Spent', amount: '−15 credits', types: 'subscription, activity' }, () => shot(app, info, 'live-row-team'), 8);
});
