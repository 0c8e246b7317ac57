/**
 * `/team` in a browser with JavaScript off: the owner changes a member's limit inline and decides a
 * request; the member reads their limit in words and asks for more — all by plain form posts.
 */
import { randomBytes } from 'node:crypto';
import { admin, call, newUser } from '@cutline/service/test/helpers/client';
import { expect, shot, signInThroughPage, test } from './support';

test('the demo owner sees the pool, every member and bob’s request; approving raises his limit', async ({ page }, info) => {
  await signInThroughPage(page, 'alice@cutline.test', undefined, '/team');
  await expect(page.getByRole('heading', { level: 1, name: 'Team Studio' })).toBeVisible();
  await expect(page.getByRole('navigation').getByRole('link', { name: 'Team' })).toHaveAttribute('aria-current', 'page');
  const pool = page.getByRole('region', { name: "The team's pool" });
  await expect(pool).toContainText('Left to spend');
  await expect(pool).toContainText(/Next refill: 500 subscription credits on/);

  const members = page.getByRole('region', { name: 'Members' });
  const bobRow = members.getByRole('row').filter({ hasText: 'bob@cutline.test' });
  await expect(bobRow.getByRole('cell').nth(1)).toHaveText('Member');
  await expect(bobRow.getByLabel(/Limit for bob@cutline\.test/)).toHaveValue('150');

  const requests = page.getByRole('region', { name: /Requests for more credits/ });
  const request = requests.getByRole('row').filter({ hasText: 'The client wants two more versions of the trailer.' });
  await expect(request).toContainText('bob@cutline.test');
  await shot(page, info, 'team-owner');
  await request.getByRole('button', { name: /^Approve 50 more credits for bob@cutline\.test$/ }).click();

  await expect(page).toHaveURL(/\/team\?done=approved#requests$/);
  await expect(page.getByRole('status')).toHaveText('Approved: the member’s limit is raised.');
  await expect(requests).toContainText('No requests are waiting.');
  await expect(members.getByRole('row').filter({ hasText: 'bob@cutline.test' }).getByLabel(/Limit for bob/)).toHaveValue('200');
  await expect(page.getByRole('region', { name: 'Decided requests' })).toContainText('Approved');
});

test('an owner edits a limit inline (the browser refuses a negative one); the member reads it and asks for more', async ({ page, browser, server }, info) => {
  const team = await admin(server.url, 'POST', '/admin/v1/teams', { name: `Edit ${randomBytes(3).toString('hex')}`, creditsPerCycle: 300 });
  const owner = await newUser(server.url);
  const member = await newUser(server.url);
  await admin(server.url, 'POST', `/admin/v1/teams/${team.body.id}/members`, { userId: owner.id, role: 'owner' });
  await admin(server.url, 'POST', `/admin/v1/teams/${team.body.id}/members`, { userId: member.id });

  await signInThroughPage(page, owner.email, 'password-123', '/team');
  const limitField = page.getByLabel(`Limit for ${member.email}, in credits per cycle (empty: no limit)`);
  await expect(limitField).toHaveValue('');
  await limitField.fill('-3');
  await page.getByRole('button', { name: `Save the limit for ${member.email}` }).click();
  // The browser itself refuses it (min 0, whole numbers); the service's own refusal is in packages/service/test/web/team.test.ts.
  expect(await limitField.evaluate((el: HTMLInputElement) => el.validity.valid)).toBe(false);
  await expect(page).toHaveURL(/\/team$/);
  await page.getByLabel(`Limit for ${member.email}, in credits per cycle (empty: no limit)`).fill('90');
  await page.getByRole('button', { name: `Save the limit for ${member.email}` }).click();
  await expect(page.getByRole('status')).toHaveText('The limit is saved. The member sees it at once.');
  await expect(page.getByLabel(`Limit for ${member.email}, in credits per cycle (empty: no limit)`)).toHaveValue('90');

  const memberContext = await browser.newContext({ javaScriptEnabled: false, baseURL: server.url });
  const mp = await memberContext.newPage();
  await signInThroughPage(mp, member.email, 'password-123', '/team');
  await expect(mp.getByText("You can spend 90 of the team's 300 credits this cycle (your limit: 90).")).toBeVisible();
  await mp.getByLabel('Credits to add to your limit').fill('25');
  await mp.getByLabel('Note for the team admins (optional)').fill('Color grading pass');
  await mp.getByRole('button', { name: 'Send the request' }).click();
  await expect(mp.getByRole('status')).toContainText('Your request is sent to the team admins.');
  await expect(mp.getByRole('region', { name: 'Your requests' })).toContainText('Waiting for a team admin');
  await shot(mp, info, 'team-member');

  await page.goto('/team');
  const row = page.getByRole('row').filter({ hasText: 'Color grading pass' });
  await row.getByRole('button', { name: /^Deny/ }).click();
  await expect(page.getByRole('status')).toHaveText('Denied. The member is told.');
  await mp.reload();
  await expect(mp.getByRole('region', { name: 'Your requests' })).toContainText('Denied');
  const limit = (await call(server.url, 'GET', '/v1/team', { token: member.tokens.access_token })).body.members[0].limit;
  expect(limit.credits).toBe(90);
  await memberContext.close();
});
