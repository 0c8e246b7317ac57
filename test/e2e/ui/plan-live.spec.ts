/**
 * Issue 18 item 5: a change of plan reaches the app live — the push, then `/v1/me` — without the
 * user coming back through *Return to Cutline*; the same for joining a team.
 */
import { admin } from '@cutline/service/test/helpers/client';
import { upgradeOnTheWeb } from '@cutline/service/test/helpers/web-actions';
import { expect, test } from '../fixtures/cutline';
import { chip, openEditor, shot } from './support';

test('upgraded to Pro on the web: the app says Pro at once, no link followed', async ({ app, browserHost, service }, info) => {
  const account = await service.createAccount(0);
  await browserHost.signIn(account.email, account.password);
  await openEditor(app, browserHost.url);
  await expect(app.locator('.plan-tag')).toHaveText('Free');

  await upgradeOnTheWeb(service.url, account.email, account.password);
  await expect(app.locator('.plan-tag')).toHaveText('Pro');
  await expect(chip(app)).toHaveText('200 credits');
  await shot(app, info, 'pro-live');
});

test('added to a team by an admin: the app says Teams and shows the pool at once', async ({ app, browserHost, service }) => {
  const account = await service.createAccount(5);
  await browserHost.signIn(account.email, account.password);
  await openEditor(app, browserHost.url);
  const team = await admin(service.url, 'POST', '/admin/v1/teams', { name: 'Studio', creditsPerCycle: 500 });
  expect((await admin(service.url, 'POST', `/admin/v1/teams/${team.body.id}/members`, { userId: account.id })).status).toBe(201);
  await expect(app.locator('.plan-tag')).toHaveText('Teams');
  await expect(chip(app)).toHaveText('505 credits');
});
