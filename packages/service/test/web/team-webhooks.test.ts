/**
 * `/team` for team admins, without JavaScript: where the pool's credits went by member for the
 * chosen period (with the team's CSV), and the Webhooks section — add (the secret shown once, a
 * refused URL said in words), *Send test event* delivered to a receiver on 127.0.0.1 and listed
 * with its status, *Delete*. Members see neither and are refused.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { admin, call, charge, newUser } from '../helpers/client';
import { startTestServer, type TestServer } from '../helpers/server';
import { startReceiver, type Receiver } from '../helpers/webhook-receiver';
import { Browser, field, visible } from './browser';

let s: TestServer;
let rx: Receiver;
beforeAll(async () => {
  s = await startTestServer({ webhookRetryMs: 50, webhookTimeoutMs: 2000, webhookAllowPrivate: true });
  rx = await startReceiver();
});
afterAll(async () => {
  await s?.close();
  await rx?.close();
});

async function crew() {
  const t = await admin(s.url, 'POST', '/admin/v1/teams', { name: `Cut ${randomBytes(3).toString('hex')}`, creditsPerCycle: 100 });
  const owner = await newUser(s.url);
  const member = await newUser(s.url);
  await admin(s.url, 'POST', `/admin/v1/teams/${t.body.id}/members`, { userId: owner.id, role: 'owner' });
  await admin(s.url, 'POST', `/admin/v1/teams/${t.body.id}/members`, { userId: member.id });
  const ownerWeb = new Browser(s.url);
  await ownerWeb.signIn(owner.email, 'password-123', '/team');
  const memberWeb = new Browser(s.url);
  await memberWeb.signIn(member.email, 'password-123', '/team');
  return { owner, member, ownerWeb, memberWeb };
}

async function spend(token: string, tool: string) {
  const h = await charge(s.url, token, tool);
  expect((await call(s.url, 'POST', `/v1/charges/${h.body.charge.id}/capture`, { token })).status).toBe(200);
}

describe('/team for team admins', () => {
  it('where the pool went by member, with the team’s CSV; a member sees neither', async () => {
    const c = await crew();
    await spend(c.member.tokens.access_token, 'smart-cutout');
    await spend(c.owner.tokens.access_token, 'remove-background');
    const page = await c.ownerWeb.get('/team');
    expect(page.status).toBe(200);
    const byMember = /<table data-usage="member">([\s\S]*?)<\/table>/.exec(page.text)![1];
    expect(visible(byMember)).toContain(`${c.member.email} 8 1`);
    expect(visible(byMember)).toContain(`${c.owner.email} 5 1`);
    expect(page.text).toContain('data-usage-total="13"');
    const csvLink = /href="(\/team\/usage\.csv\?[^"]+)"/.exec(page.text)![1].replace(/&amp;/g, '&');
    const csv = await c.ownerWeb.get(csvLink);
    expect(csv.status).toBe(200);
    expect(csv.text.split('\r\n').slice(1, -1)).toHaveLength(2);
    const memberPage = await c.memberWeb.get('/team');
    expect(memberPage.text).not.toContain('data-usage="member"');
    expect(memberPage.text).not.toContain('id="webhooks"');
    expect((await c.memberWeb.get(csvLink)).status).toBe(403);
  });

  it('adds a webhook (secret shown once), sends a test event that is delivered and listed, deletes it', async () => {
    const c = await crew();
    let page = await c.ownerWeb.get('/team');
    const csrf = field(page.text, 'csrf');
    // (Private addresses are allowed on this test server; plain http: is for loopback only.)
    const refused = await c.ownerWeb.post('/team/webhooks', { csrf, url: 'http://10.1.2.3/hook', events: 'limit_request.created', memberNearPercent: '80' });
    expect(refused.status).toBe(400);
    expect(visible(refused.text)).toMatch(/The receiver URL: .*https:/);
    expect(refused.text).toContain('value="http://10.1.2.3/hook"'); // what was typed stays
    const noThreshold = await c.ownerWeb.post('/team/webhooks', { csrf, url: rx.url, events: 'pool.low', poolLowBelow: '', memberNearPercent: '80' });
    expect(noThreshold.status).toBe(400);
    expect(visible(noThreshold.text)).toContain('The pool-low threshold:');

    const added = await c.ownerWeb.post('/team/webhooks', { csrf, url: rx.url, events: 'limit_request.created', memberNearPercent: '80' });
    expect(added.status).toBe(201);
    const secret = /<code data-secret>(whsec_[^<]+)<\/code>/.exec(added.text)![1];
    const id = /data-webhook="([^"]+)"/.exec(added.text)![1];
    page = await c.ownerWeb.get('/team');
    expect(page.text).toContain(`data-webhook="${id}"`);
    expect(page.text).not.toContain(secret);

    const sent = await c.ownerWeb.post(`/team/webhooks/${id}/test`, { csrf });
    expect(sent.status).toBe(303);
    expect(sent.location).toBe('/team?done=webhook-test#webhooks');
    await expect.poll(async () => /data-status="([a-z]+)"/.exec((await c.ownerWeb.get('/team')).text)?.[1], { timeout: 15_000 }).toBe('delivered');
    page = await c.ownerWeb.get('/team');
    expect(visible(/<table data-deliveries="[^"]+">([\s\S]*?)<\/table>/.exec(page.text)![1])).toMatch(/webhook\.test Delivered 1 HTTP 204/);
    expect(rx.received.some((r) => JSON.parse(r.body).type === 'webhook.test' && JSON.parse(r.body).data.webhookId === id)).toBe(true);

    expect((await c.memberWeb.post(`/team/webhooks/${id}/delete`, { csrf: field((await c.memberWeb.get('/team')).text, 'csrf') })).status).toBe(403);
    const deleted = await c.ownerWeb.post(`/team/webhooks/${id}/delete`, { csrf });
    expect(deleted.location).toBe('/team?done=webhook-deleted#webhooks');
    expect((await c.ownerWeb.get('/team')).text).not.toContain(`data-webhook="${id}"`);
  });

  it('a member’s add is refused with the page saying why, and a form without the CSRF token does nothing', async () => {
    const c = await crew();
    const memberCsrf = field((await c.memberWeb.get('/team')).text, 'csrf');
    const r = await c.memberWeb.post('/team/webhooks', { csrf: memberCsrf, url: rx.url, events: 'limit_request.created' });
    expect(r.status).toBe(403);
    expect(visible(r.text)).toContain("Only the team's owner or an admin can manage the team's webhooks.");
    expect((await c.ownerWeb.post('/team/webhooks', { url: rx.url, events: 'limit_request.created' })).status).toBe(403);
    expect((await call(s.url, 'GET', '/v1/team/webhooks', { token: c.owner.tokens.access_token })).body).toEqual([]);
  });
});
