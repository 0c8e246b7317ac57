/**
 * `/team` without JavaScript: a team admin sees the pool and its next refill, every member with
 * role, spent this cycle, held and limit (edited inline), pending requests with approve / deny;
 * a member sees their own limit and requests and asks for more. Every form needs the session's
 * CSRF token; refusals come back as the page with the reason, and change nothing.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { admin, call, charge, newUser, signIn } from '../helpers/client';
import { startTestServer, type TestServer } from '../helpers/server';
import { openSse } from '../helpers/sse';
import { Browser, dataNumber, field, visible } from './browser';

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer();
});
afterAll(() => s.close());

const PASSWORD = 'password-123';

async function crew(perCycle = 400) {
  const t = await admin(s.url, 'POST', '/admin/v1/teams', { name: `Cut ${randomBytes(3).toString('hex')}`, creditsPerCycle: perCycle });
  const owner = await newUser(s.url);
  const member = await newUser(s.url);
  await admin(s.url, 'POST', `/admin/v1/teams/${t.body.id}/members`, { userId: owner.id, role: 'owner' });
  await admin(s.url, 'POST', `/admin/v1/teams/${t.body.id}/members`, { userId: member.id });
  const ownerWeb = new Browser(s.url);
  await ownerWeb.signIn(owner.email, PASSWORD, '/team');
  const memberWeb = new Browser(s.url);
  await memberWeb.signIn(member.email, PASSWORD, '/team');
  return { teamId: t.body.id as string, name: t.body.name as string, owner, member, ownerWeb, memberWeb };
}

const memberRow = (text: string, id: string) => {
  const m = new RegExp(`<tr data-member="${id}">[\\s\\S]*?</tr>`).exec(text);
  if (!m) throw new Error(`no row for member ${id}`);
  return m[0];
};
const limitOf = async (token: string) => (await call(s.url, 'GET', '/v1/team', { token })).body.members[0].limit;

describe('/team', () => {
  it('asks for a sign-in first, and comes back to /team', async () => {
    const r = await new Browser(s.url).get('/team');
    expect(r.status).toBe(303);
    expect(r.location).toBe('/signin?next=%2Fteam');
  });

  it('outside a team: a page that says so (404), and no Team link in the navigation', async () => {
    const solo = await newUser(s.url);
    const b = new Browser(s.url);
    await b.signIn(solo.email, PASSWORD);
    const r = await b.get('/team');
    expect(r.status).toBe(404);
    expect(visible(r.text)).toContain('You are not in a team');
    expect(r.text).not.toContain('href="/team"');
  });

  it('the demo owner sees the pool, its next refill, every member with role and limit, and bob’s pending request', async () => {
    const b = new Browser(s.url);
    await b.signIn('alice@cutline.test', undefined, '/team');
    const r = await b.get('/team');
    expect(r.status).toBe(200);
    expect(r.headers.get('content-security-policy')).toContain("script-src 'self'");
    const text = visible(r.text);
    expect(text).toContain('Team Studio');
    expect(dataNumber(r.text, 'pool-remaining')).toBe(500);
    expect(dataNumber(r.text, 'pool-per-cycle')).toBe(500);
    expect(text).toMatch(/Next refill: 500 subscription credits on \d+ \w+ \d{4}/);
    expect(r.text).toContain('<a href="/team" aria-current="page">Team</a>');
    // landmarks and headings: one h1, a labelled section per part, labelled inputs
    expect(r.text.match(/<h1[ >]/g)).toHaveLength(1);
    for (const h of ['pool-h', 'requests-h', 'members-h']) expect(r.text).toContain(`aria-labelledby="${h}"`);
    const bobRow = /<tr data-member="[^"]+">(?:(?!<\/tr>)[\s\S])*bob@cutline\.test[\s\S]*?<\/tr>/.exec(r.text)![0];
    expect(visible(bobRow)).toMatch(/bob@cutline\.test Member 0 0/);
    expect(bobRow).toMatch(/name="credits"[^>]*value="150"/);
    expect(bobRow).toMatch(/<label for="limit-[^"]+" class="visually-hidden">Limit for bob@cutline\.test/);
    const aliceRow = /<tr data-member="[^"]+">(?:(?!<\/tr>)[\s\S])*alice@cutline\.test[\s\S]*?<\/tr>/.exec(r.text)![0];
    expect(visible(aliceRow)).toContain('Owner');
    expect(dataNumber(r.text, 'pending-count')).toBe(1);
    const pending = /<tr data-request="[^"]+" data-status="pending">[\s\S]*?<\/tr>/.exec(r.text)![0];
    expect(visible(pending)).toContain('bob@cutline.test 50 The client wants two more versions of the trailer.');
    expect(pending).toContain('>Approve</button>');
    expect(pending).toContain('>Deny</button>');
    // every form carries the session's token
    const forms = r.text.match(/<form method="post"[\s\S]*?<\/form>/g)!;
    expect(forms.length).toBeGreaterThanOrEqual(4);
    for (const f of forms) expect(f).toMatch(/name="csrf" value="[A-Za-z0-9_-]{20,}"/);
  });

  it('an owner sets a limit inline: 303 back with what was done, the member’s app hears it, the page shows it', async () => {
    const c = await crew();
    const page = await c.ownerWeb.get('/team');
    const sse = await openSse(s.url, c.member.tokens.access_token);
    await sse.waitFor((e) => e.event === 'balance');
    const r = await c.ownerWeb.post(`/team/members/${c.member.id}/limit`, { csrf: field(page.text, 'csrf'), credits: '120' });
    expect(r.status).toBe(303);
    expect(r.location).toBe('/team?done=limit#members');
    await sse.waitFor((e) => JSON.parse(e.data).cause.kind === 'limit');
    sse.close();
    const after = await c.ownerWeb.get('/team?done=limit');
    expect(visible(after.text)).toContain('The limit is saved.');
    expect(memberRow(after.text, c.member.id)).toMatch(/name="credits"[^>]*value="120"/);
    expect(dataNumber(memberRow(after.text, c.member.id), 'left')).toBe(120);
    expect(await limitOf(c.member.tokens.access_token)).toMatchObject({ credits: 120 });

    // empty: no limit
    const cleared = await c.ownerWeb.post(`/team/members/${c.member.id}/limit`, { csrf: field(page.text, 'csrf'), credits: '' });
    expect(cleared.location).toBe('/team?done=no-limit#members');
    expect(await limitOf(c.member.tokens.access_token)).toBeNull();
  });

  it('a bad limit comes back as the page with a sentence and the value typed (400); nothing changes', async () => {
    const c = await crew();
    const csrf = field((await c.ownerWeb.get('/team')).text, 'csrf');
    for (const credits of ['-5', '12.5', 'lots', '1000000001']) {
      const r = await c.ownerWeb.post(`/team/members/${c.member.id}/limit`, { csrf, credits });
      expect(r.status, credits).toBe(400);
      expect(visible(r.text)).toContain('A limit is a whole number of credits from 0 to 1,000,000,000, or empty for no limit. Nothing was changed.');
      expect(r.text).toContain(`value="${credits}"`);
    }
    expect(await limitOf(c.member.tokens.access_token)).toBeNull();
  });

  it('forms without the session’s token are refused (403) and change nothing', async () => {
    const c = await crew();
    const none = await c.ownerWeb.post(`/team/members/${c.member.id}/limit`, { credits: '10' });
    expect(none.status).toBe(403);
    const foreign = await c.ownerWeb.post(`/team/members/${c.member.id}/limit`, { csrf: field((await c.memberWeb.get('/team')).text, 'csrf'), credits: '10' });
    expect(foreign.status).toBe(403);
    expect(await limitOf(c.member.tokens.access_token)).toBeNull();
    const signedOut = await new Browser(s.url).post('/team/requests', { credits: '5' });
    expect(signedOut.status).toBe(403);
  });

  it('a member sees their limit in words, asks for more, and sees the owner’s answer; the owner approves on the page', async () => {
    const c = await crew(400);
    await call(s.url, 'PUT', `/v1/team/members/${c.member.id}/limit`, { token: c.owner.tokens.access_token, body: { credits: 100 } });
    const held = await charge(s.url, c.member.tokens.access_token, 'ai-image'); // 20 held
    expect(held.status).toBe(201);

    const mine = await c.memberWeb.get('/team');
    expect(mine.status).toBe(200);
    const text = visible(mine.text);
    expect(text).toContain("You can spend 80 of the team's 380 credits this cycle (your limit: 100).");
    expect(dataNumber(mine.text, 'limit-credits')).toBe(100);
    expect(dataNumber(mine.text, 'limit-held')).toBe(20);
    expect(dataNumber(mine.text, 'limit-remaining')).toBe(80);
    expect(mine.text).not.toContain('data-member='); // no one else's row
    expect(mine.text).toContain('<label for="ask-credits">');

    const asked = await c.memberWeb.post('/team/requests', { csrf: field(mine.text, 'csrf'), credits: '60', note: 'Festival cut' });
    expect(asked.status).toBe(303);
    expect(asked.location).toBe('/team?done=requested#requests');
    const listed = await c.memberWeb.get('/team?done=requested');
    expect(visible(listed.text)).toContain('Your request is sent to the team admins.');
    expect(visible(listed.text)).toContain('60 Festival cut');
    expect(visible(listed.text)).toContain('Waiting for a team admin');

    const ownerPage = await c.ownerWeb.get('/team');
    expect(dataNumber(ownerPage.text, 'pending-count')).toBe(1);
    expect(dataNumber(memberRow(ownerPage.text, c.member.id), 'held')).toBe(20);
    expect(dataNumber(memberRow(ownerPage.text, c.member.id), 'spent')).toBe(0);
    const id = /data-request="([^"]+)" data-status="pending"/.exec(ownerPage.text)![1];
    const approved = await c.ownerWeb.post(`/team/requests/${id}/approve`, { csrf: field(ownerPage.text, 'csrf') });
    expect(approved.status).toBe(303);
    expect(approved.location).toBe('/team?done=approved#requests');
    const ownerAfter = await c.ownerWeb.get('/team');
    expect(dataNumber(ownerAfter.text, 'pending-count')).toBe(0);
    expect(visible(ownerAfter.text)).toContain('No requests are waiting.');
    expect(ownerAfter.text).toMatch(/data-request="[^"]+" data-status="approved"/);
    expect(memberRow(ownerAfter.text, c.member.id)).toMatch(/value="160"/);

    const answer = visible((await c.memberWeb.get('/team')).text);
    expect(answer).toContain('(your limit: 160)');
    expect(answer).toContain('Approved');
  });

  it('a member’s bad request comes back with a sentence; deciding or setting limits as a member is refused (403)', async () => {
    const c = await crew();
    await call(s.url, 'PUT', `/v1/team/members/${c.member.id}/limit`, { token: c.owner.tokens.access_token, body: { credits: 10 } });
    const csrf = field((await c.memberWeb.get('/team')).text, 'csrf');
    const bad = await c.memberWeb.post('/team/requests', { csrf, credits: '0' });
    expect(bad.status).toBe(400);
    expect(visible(bad.text)).toContain('Ask for a whole number of credits from 1 to 1,000,000,000. Nothing was sent.');
    const long = await c.memberWeb.post('/team/requests', { csrf, credits: '5', note: 'x'.repeat(501) });
    expect(long.status).toBe(400);
    expect(visible(long.text)).toContain('The note can be at most 500 characters.');

    const req = await call(s.url, 'POST', '/v1/team/limit-requests', { token: c.member.tokens.access_token, body: { credits: 5 } });
    const decide = await c.memberWeb.post(`/team/requests/${req.body.id}/approve`, { csrf });
    expect(decide.status).toBe(403);
    expect(visible(decide.text)).toContain("Only the team's owner or an admin can approve a request.");
    const limit = await c.memberWeb.post(`/team/members/${c.owner.id}/limit`, { csrf, credits: '1' });
    expect(limit.status).toBe(403);
    expect(await limitOf(c.member.tokens.access_token)).toMatchObject({ credits: 10 });

    // deciding twice (a stale page): the page again, 409, with why
    const ownerCsrf = field((await c.ownerWeb.get('/team')).text, 'csrf');
    await c.ownerWeb.post(`/team/requests/${req.body.id}/deny`, { csrf: ownerCsrf });
    const again = await c.ownerWeb.post(`/team/requests/${req.body.id}/approve`, { csrf: ownerCsrf });
    expect(again.status).toBe(409);
    expect(visible(again.text)).toContain('This request was already denied.');
  });

  it('a member without a limit reads that they have none; asking is refused with the reason (409)', async () => {
    const c = await crew();
    const page = await c.memberWeb.get('/team');
    expect(visible(page.text)).toContain('You have no limit');
    const r = await c.memberWeb.post('/team/requests', { csrf: field(page.text, 'csrf'), credits: '5' });
    expect(r.status).toBe(409);
    expect(visible(r.text)).toContain('You have no limit on the team pool, so there is nothing to raise.');
  });

  it('the desktop’s handoff can open /team already signed in', async () => {
    const c = await crew();
    const link = await call(s.url, 'POST', '/v1/handoff', { token: (await signIn(s.url, c.owner.email, PASSWORD)).access_token, body: { next: '/team' } });
    expect(link.status).toBe(200);
    const b = new Browser(s.url);
    const u = new URL(link.body.url);
    const r = await b.get(u.pathname + u.search);
    expect(r.status).toBe(303);
    expect(r.location).toBe('/team');
    expect((await b.get('/team')).status).toBe(200);
  });
});
