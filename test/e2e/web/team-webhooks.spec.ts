/**
 * `/team`'s Webhooks with JavaScript off: a team admin adds a webhook to a receiver on 127.0.0.1
 * (this service allows private addresses and plain http: for loopback, as
 * `CUTLINE_WEBHOOK_ALLOW_PRIVATE=1` does), reads its signing secret once, presses *Send test
 * event*, and sees the delivery listed as delivered — the receiver got it, signed with that secret.
 * The page passes axe-core with the secret shown and with the deliveries listed.
 */
import { randomBytes } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { admin, newUser } from '@cutline/service/test/helpers/client';
import { startTestServer } from '@cutline/service/test/helpers/server';
import { startReceiver } from '@cutline/service/test/helpers/webhook-receiver';
import { expectAccessibleWithoutScript as expectAccessible } from '../fixtures/axe';
import { expect, shot, signInThroughPage, test } from './support';

test('add a webhook, Send test event, and the delivery reaches the local receiver', async ({ browser }, info) => {
  const server = await startTestServer({ webhookAllowPrivate: true, webhookRetryMs: 200 });
  const rx = await startReceiver();
  try {
    const team = await admin(server.url, 'POST', '/admin/v1/teams', { name: `Hooks ${randomBytes(3).toString('hex')}`, creditsPerCycle: 300 });
    const owner = await newUser(server.url);
    await admin(server.url, 'POST', `/admin/v1/teams/${team.body.id}/members`, { userId: owner.id, role: 'owner' });
    const context = await browser.newContext({ javaScriptEnabled: false, baseURL: server.url });
    const page = await context.newPage();
    await signInThroughPage(page, owner.email, 'password-123', '/team');

    const section = page.getByRole('region', { name: 'Webhooks' });
    await expect(section).toContainText('0 webhooks');
    const form = section.getByRole('form', { name: 'Add a webhook' });
    await form.getByLabel('Receiver URL (https)').fill(rx.url);
    await form.getByRole('checkbox', { name: /pool\.low/ }).uncheck();
    await form.getByRole('checkbox', { name: /limit_request\.created/ }).check();
    await form.getByRole('button', { name: 'Add webhook' }).click();

    const secret = (await section.locator('[data-secret]').textContent())!;
    expect(secret).toMatch(/^whsec_/);
    await shot(page, info, 'webhook-added');
    await expectAccessible(page, info, 'team with a new webhook secret and usage by member');
    const hook = section.getByRole('article', { name: `Webhook ${rx.url}` });
    await expect(hook).toContainText('limit_request.created');
    await expect(hook).toContainText('Nothing sent yet.');

    await hook.getByRole('button', { name: 'Send test event' }).click();
    await expect(page).toHaveURL(/\/team\?done=webhook-test#webhooks$/);
    await expect(page.getByRole('status').filter({ hasText: 'A test event is on its way' })).toBeVisible();
    await expect(page.locator('[data-secret]')).toHaveCount(0); // shown only once

    // No script on the page: reload until the worker has delivered it.
    await expect(async () => {
      await page.reload();
      await expect(page.getByRole('article', { name: `Webhook ${rx.url}` }).getByRole('row').filter({ hasText: 'webhook.test' })).toContainText('Delivered', { timeout: 500 });
    }).toPass({ timeout: 20_000 });
    const row = page.getByRole('article', { name: `Webhook ${rx.url}` }).getByRole('row').filter({ hasText: 'webhook.test' });
    await expect(row).toContainText('HTTP 204');
    await shot(page, info, 'webhook-delivered');
    await expectAccessible(page, info, 'team with a delivered webhook');

    const got = rx.received.filter((r) => JSON.parse(r.body).type === 'webhook.test');
    expect(got).toHaveLength(1);
    const verified = new Webhook(secret).verify(got[0].body, got[0].headers as Record<string, string>) as { data: { message: string } };
    expect(verified.data.message).toBe('A test event from Cutline.');

    await page.getByRole('button', { name: `Delete the webhook to ${rx.url}` }).click();
    await expect(page.getByRole('status').filter({ hasText: 'The webhook is deleted.' })).toBeVisible();
    await expect(page.getByRole('article', { name: `Webhook ${rx.url}` })).toHaveCount(0);
    await context.close();
  } finally {
    await rx.close();
    await server.close();
  }
});
