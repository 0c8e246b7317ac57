/** `/credits`: totals and split, every live batch with expiry and source, held credits, Pro uses, history with device and tool, the usage chart. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { admin, call, charge, grant, newUser, phone } from '../helpers/client';
import { startTestServer, type TestServer } from '../helpers/server';
import { spentPerDay } from '../../src/service/accounts/usage';
import { Browser, dataNumber, visible } from './browser';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server?.close();
});

const DAY = 86_400_000;
/** The chart's last bar (today, as the server saw it when rendering). */
const lastBar = (text: string) => {
  const bars = [...text.matchAll(/<g data-day="([\d-]+)" data-total="(\d+)"><title>([^<]+)<\/title>/g)];
  expect(bars).toHaveLength(30);
  const [, day, total, title] = bars[29];
  return { day, total: Number(total), title };
};
const rowsOf = (text: string, attr: string) => [...text.matchAll(new RegExp(`<tr ${attr}="([^"]+)"`, 'g'))].map((m) => m[1]);
const stat = (text: string, type: string) => {
  const m = new RegExp(`data-type="${type}">[\\s\\S]*?<b>([\\d,]+)`).exec(text);
  if (!m) throw new Error(`no ${type} tile`);
  return Number(m[1].replace(/,/g, ''));
};

async function browserFor(email: string, password?: string) {
  const b = new Browser(server.url);
  await b.signIn(email, password);
  return b;
}

describe('/credits', () => {
  it('shows the total, the split by type and every live batch with its source and expiry', async () => {
    const b = await browserFor('pro@cutline.test');
    const r = await b.get('/credits');
    expect(r.status).toBe(200);
    expect(dataNumber(r.text, 'total')).toBe(355);
    expect(stat(r.text, 'subscription')).toBe(200);
    expect(stat(r.text, 'activity')).toBe(55);
    expect(stat(r.text, 'purchased')).toBe(100);
    expect(stat(r.text, 'held')).toBe(0);
    expect(rowsOf(r.text, 'data-batch')).toHaveLength(4);
    const text = visible(r.text);
    for (const s of ['Plan, this billing cycle', 'Campaign: winter-challenge', 'Reward: creator-badge', 'Web store, 100-credit pack', 'Never']) expect(text).toContain(s);
    expect(text).toContain('Next expiry: 30 credits on');
    expect(r.text).not.toContain('data-type="proUses"');
  });

  it('marks team batches, and shows a team member’s pool with their own credits', async () => {
    const b = await browserFor('alice@cutline.test');
    const r = await b.get('/credits');
    expect(dataNumber(r.text, 'total')).toBe(520);
    const teamRow = /<tr data-batch="[^"]+">[\s\S]*?<\/tr>/g;
    const rows = r.text.match(teamRow)!;
    const team = rows.filter((x) => x.includes('class="badge"') && x.includes('>Team<'));
    expect(team).toHaveLength(1);
    expect(team[0]).toContain('Subscription');
    expect(team[0]).toContain('>500<');
  });

  it('shows Pro uses where the account has them', async () => {
    const b = await browserFor('prouses@cutline.test');
    const r = await b.get('/credits');
    expect(r.text).toMatch(/data-type="proUses">Pro uses left<b>50 <small class="muted">of 50<\/small><\/b>/);
    expect(r.text).toContain('href="/exchange"');
  });

  it('shows held credits, the history with tool and device, and today’s spending in the chart by type', async () => {
    const u = await newUser(server.url);
    await grant(server.url, u.id, 'activity', 10, new Date(Date.now() + 30 * DAY).toISOString(), 'campaign:spring');
    await grant(server.url, u.id, 'purchased', 100, null, 'store:pack-100');
    const b = await browserFor(u.email, 'password-123');

    const held = await charge(server.url, u.tokens.access_token, 'ai-portrait', phone); // 15: 10 activity + 5 purchased
    expect(held.status).toBe(201);
    let r = await b.get('/credits');
    expect(dataNumber(r.text, 'total')).toBe(95);
    expect(dataNumber(r.text, 'held')).toBe(15);
    expect(stat(r.text, 'held')).toBe(15);
    expect(lastBar(r.text).total).toBe(0); // held is not spent

    expect((await call(server.url, 'POST', `/v1/charges/${held.body.charge.id}/capture`, { token: u.tokens.access_token })).status).toBe(200);
    const released = await charge(server.url, u.tokens.access_token, 'auto-captions');
    await call(server.url, 'POST', `/v1/charges/${released.body.charge.id}/release`, { token: u.tokens.access_token, body: { reason: 'failed' } });

    r = await b.get('/credits');
    expect(dataNumber(r.text, 'held')).toBe(0);
    expect(dataNumber(r.text, 'total')).toBe(95);
    const bar = lastBar(r.text);
    expect(bar.total).toBe(15);
    expect(bar.title).toContain('15 credits (10 activity, 5 purchased)');
    expect(r.text).toMatch(/<rect class="bar bar-activity"/);
    expect(r.text).toMatch(/<rect class="bar bar-purchased"/);
    expect(r.text).not.toMatch(/<rect class="bar bar-subscription"/);

    const history = visible(r.text);
    expect(history).toContain('AI Portrait');
    // Device names, not raw ids: the platform and a short id (the full id in a tooltip).
    expect(history).toContain('Mobile · etest1');
    expect(r.text).toContain('title="phone-test-1"');
    expect(history).not.toContain('phone-test-1');
    expect(history).toContain('Auto Captions');
    expect(history).toContain('Desktop · ptest1');
    // One row per action: held → spent, or held → returned, with signed amounts.
    expect(history).toMatch(/Spent \(held, then the AI action succeeded\) −15 credits/);
    expect(history).toMatch(/Held, then returned \(the AI action failed\) −3 credits → \+3 credits/);
    const kinds = [...r.text.matchAll(/data-kind="([a-z]+)"/g)].map((m) => m[1]);
    // Newest first: captions (held, returned), portrait (held over two batches, spent), grants ×2.
    expect(kinds).toEqual(['charge', 'charge', 'grant', 'grant']);
    expect(history).toContain('Times in UTC');
  });

  it('pages through the full history with the ledger cursor', async () => {
    const u = await newUser(server.url);
    for (let i = 0; i < 57; i++) await grant(server.url, u.id, 'activity', i + 1, null, `campaign:c${i}`);
    const b = await browserFor(u.email, 'password-123');
    const first = await b.get('/credits');
    const page1 = rowsOf(first.text, 'data-entry');
    expect(page1).toHaveLength(50);
    const older = /href="(\/credits\?before=\d+)#history" rel="next"/.exec(first.text);
    expect(older).not.toBeNull();
    expect(first.text).not.toContain('>Newest<');
    const second = await b.get(older![1]);
    const page2 = rowsOf(second.text, 'data-entry');
    expect(page2).toHaveLength(7);
    expect(second.text).not.toContain('rel="next"');
    expect(second.text).toContain('>Newest<');
    expect(new Set([...page1, ...page2]).size).toBe(57);
    const api = await call(server.url, 'GET', '/v1/ledger?limit=200', { token: u.tokens.access_token });
    expect([...page1, ...page2]).toEqual(api.body.entries.map((e: any) => e.id));
    // A cursor that is not a number shows the newest page, not an error.
    expect(rowsOf((await b.get('/credits?before=abc')).text, 'data-entry')).toEqual(page1);
  });

  it('escapes whatever it shows', async () => {
    const u = await newUser(server.url);
    await grant(server.url, u.id, 'activity', 5, null, 'campaign:<script>alert("x")</script>');
    const b = await browserFor(u.email, 'password-123');
    const r = await b.get('/credits');
    expect(r.text).not.toContain('<script>');
    expect(r.text).toContain('Campaign: &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
  });
});

describe('credits spent per day', () => {
  it('counts only captures, by type, in the last 30 UTC days', async () => {
    const u = await newUser(server.url);
    const team = await admin(server.url, 'POST', '/admin/v1/teams', { name: 'Chart team', creditsPerCycle: 100 });
    await admin(server.url, 'POST', `/admin/v1/teams/${team.body.id}/members`, { userId: u.id });
    await grant(server.url, u.id, 'activity', 3, null, 'campaign:x');
    const t = u.tokens.access_token;
    const a = await charge(server.url, t, 'remove-background'); // 5 team subscription
    await call(server.url, 'POST', `/v1/charges/${a.body.charge.id}/capture`, { token: t });
    const c = await charge(server.url, t, 'premium-voiceover'); // 10 subscription, held only
    expect(c.status).toBe(201);

    const days = await spentPerDay(server.ctx, u.id, 30);
    expect(days).toHaveLength(30);
    expect(days[29].day).toBe(Math.floor(Date.now() / DAY) * DAY);
    expect(days[0].day).toBe(days[29].day - 29 * DAY);
    expect(days[29].byType).toEqual({ subscription: 5, activity: 0, purchased: 0 });
    expect(days.slice(0, 29).every((d) => d.total === 0)).toBe(true);

    // A capture 29 days back is still in the window; 31 days back it has left.
    await server.ctx.db.transaction((tx) =>
      tx.run("UPDATE ledger SET at = at - ? WHERE user_id = ? AND kind = 'capture'", [29 * DAY, u.id]),
    );
    const moved = await spentPerDay(server.ctx, u.id, 30);
    expect(moved[0].total + moved[1].total).toBe(5);
    await server.ctx.db.transaction((tx) =>
      tx.run("UPDATE ledger SET at = at - ? WHERE user_id = ? AND kind = 'capture'", [2 * DAY, u.id]),
    );
    expect((await spentPerDay(server.ctx, u.id, 30)).every((d) => d.total === 0)).toBe(true);
  });
});
