/**
 * Credit UX flows that lean on the service's extensions (docs/api.md): a teammate's spend in
 * Alice's Activity (ledger entries with `member`), and Free → Pro from the not-enough dialog
 * through the web checkout at /upgrade. Nothing here skips: a service without these parts fails.
 */
import { call, signIn } from '@cutline/service/test/helpers/client';
import { expect, test } from '../fixtures/cutline';
import { addClip, chip, chooseTool, openEditor, shot, waitForOpened } from './support';

test("a teammate's spend from the shared pool shows in Alice's Activity: who, tool, device", async ({ app, browserHost, service }, info) => {
  await openEditor(app, browserHost.url);
  await browserHost.signIn('alice@cutline.test');
  const before = await chip(app).textContent();
  const bob = await service.secondDevice({ email: 'bob@cutline.test', password: 'cutline-demo' });
  await bob.charge('remove-background');
  await expect(chip(app)).not.toHaveText(before ?? '');

  const alice = await signIn(service.url, 'alice@cutline.test');
  const page = await call(service.url, 'GET', '/v1/ledger?limit=20', { token: alice.access_token });
  // the team pool's entries are in every member's history, naming the member who spent
  const entries = (page.body as { entries: Array<{ kind: string; tool: string | null; member?: { email: string } | null }> }).entries;
  expect(entries.filter((e) => e.member?.email === 'bob@cutline.test').map((e) => [e.kind, e.tool])).toContainEqual(['hold', 'remove-background']);

  const row = app.getByTestId('activity-row').filter({ hasText: 'bob@cutline.test' }).first();
  await expect(row).toContainText('Remove Background');
  await expect(row).toContainText('Mobile');
  await shot(app, info, 'teammate-activity');
});

test('Free → Pro from the not-enough dialog in two clicks, "You\'re on Pro" when the service says so', async ({ app, browserHost, service, context }, info) => {
  const account = await service.createAccount(0);
  await browserHost.signIn(account.email, account.password);
  await openEditor(app, browserHost.url);
  await chooseTool(app, await addClip(app, 'Interview — Maya'), 'AI Portrait');
  const before = browserHost.opened().length;
  const tabOpened = context.waitForEvent('page');
  // click 1
  await app.getByRole('alertdialog', { name: 'Not enough credits' }).getByRole('button', { name: 'Upgrade to Pro' }).click();
  const handoff = await waitForOpened(browserHost.opened, (u) => u.pathname === '/handoff', before);
  expect(handoff.searchParams.get('next')).toBe('/upgrade');
  // the browser host opens the link in a new tab, as the system browser would
  const tab = await tabOpened;
  await tab.waitForLoadState();
  if (!new URL(tab.url()).pathname.startsWith('/upgrade')) await tab.getByRole('link', { name: 'Continue' }).click();
  await expect(tab).toHaveURL(/\/upgrade/);
  await shot(tab, info, 'upgrade-checkout');
  // click 2: the simulated payment (monthly is chosen by default)
  await tab.getByRole('button', { name: 'Pay and upgrade (simulated)' }).click();
  // Return to Cutline goes through the browser host's /return page, which delivers cutline://upgrade/complete
  await tab.getByRole('link', { name: 'Return to Cutline' }).click();
  await shot(tab, info, 'upgrade-returned');
  await expect(app.getByTestId('notice').filter({ hasText: "You're on Pro." })).toBeVisible();
  await expect(app.locator('.plan-tag')).toHaveText('Pro');
  await expect(chip(app)).toHaveText('200 credits');
  await shot(app, info, 'on-pro');
});
