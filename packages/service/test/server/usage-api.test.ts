/**
 * Where the credits went: `GET /v1/usage` and `GET /v1/usage.csv` against the real service (both
 * engines: CUTLINE_TEST_STORE picks) — captured charges only, in `[from, to)` of their capture,
 * grouped by tool, day, project and member; Pro-use charges 0 credits and 1 action; the CSV's
 * header, RFC 4180 quoting, formula guard and credits adding up to the JSON total; bad queries 400.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { USAGE_CSV_COLUMNS } from '@cutline/contract/usage';
import { capturedCharges } from '../../src/service/usage/report';
import { admin, call, grant, newKey, newUser, type Tokens } from '../helpers/client';
import { startTestServer, type TestServer } from '../helpers/server';

const DAY = 86_400_000;

async function act(s: TestServer, t: Tokens, tool: string, settle: 'capture' | 'release' = 'capture', device = { id: 'desk-1', platform: 'desktop' }) {
  const h = await call(s.url, 'POST', '/v1/charges', { token: t.access_token, body: { tool, quantity: 1, device }, headers: { 'idempotency-key': newKey() } });
  expect(h.status).toBe(201);
  const body = settle === 'release' ? { reason: 'failed' } : undefined;
  const r = await call(s.url, 'POST', `/v1/charges/${h.body.charge.id}/${settle}`, { token: t.access_token, body });
  expect(r.status).toBe(200);
  return h.body.charge.id as string;
}

async function csv(s: TestServer, t: Tokens, query: string) {
  const res = await fetch(`${s.url}/v1/usage.csv?${query}`, { headers: { authorization: `Bearer ${t.access_token}` } });
  return { res, text: await res.text() };
}

const sumCredits = (text: string) =>
  text
    .split('\r\n')
    .slice(1)
    .filter(Boolean)
    .reduce((n, line) => n + Number(/^(?:[^,]*,){6}(\d+),/.exec(line)?.[1] ?? NaN), 0);

describe('usage over a period', () => {
  let s: TestServer;
  let offset = 0;
  let user: { id: string; email: string; tokens: Tokens };
  let t0: number;
  beforeAll(async () => {
    s = await startTestServer({ sweepMs: 600_000, accessTokenTtlS: 100 * 86_400, clock: { now: () => Date.now() + offset } });
    user = await newUser(s.url);
    await grant(s.url, user.id, 'activity', 30);
    await grant(s.url, user.id, 'purchased', 500);
    t0 = Date.now();
    // Day 1: Remove Background (5) and Smart Cutout (8) from the 30 activity credits; AI Portrait released (not counted).
    await act(s, user.tokens, 'remove-background');
    await act(s, user.tokens, 'smart-cutout');
    await act(s, user.tokens, 'ai-portrait', 'release');
    // Day 2: two Auto Captions (3 each: 11 activity left) and one AI Image (20: 11 activity + 9 purchased).
    offset = DAY;
    await act(s, user.tokens, 'auto-captions');
    await act(s, user.tokens, 'auto-captions');
    await act(s, user.tokens, 'ai-image');
    offset = 0;
  });
  afterAll(async () => {
    await s?.close();
  });

  const q = (extra: string) => `from=${new Date(t0 - DAY).toISOString()}&to=${new Date(t0 + 3 * DAY).toISOString()}&${extra}`;
  const usage = (query: string, token = user.tokens.access_token) => call(s.url, 'GET', `/v1/usage?${query}`, { token });

  it('by tool: captured credits and actions per tool, most credits first; released holds never count', async () => {
    const r = await usage(q('groupBy=tool'));
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ groupBy: 'tool', scope: 'me', total: { credits: 5 + 8 + 3 + 3 + 20, actions: 5 } });
    expect(r.body.rows).toEqual([
      { key: 'ai-image', label: 'AI Image', credits: 20, actions: 1 },
      { key: 'smart-cutout', label: 'Smart Cutout', credits: 8, actions: 1 },
      { key: 'auto-captions', label: 'Auto Captions', credits: 6, actions: 2 },
      { key: 'remove-background', label: 'Remove Background', credits: 5, actions: 1 },
    ]);
    expect(r.body.from).toBe(new Date(t0 - DAY).toISOString());
  });

  it('by UTC day, in order; by project (none given: one "No project" row); by member (the caller)', async () => {
    const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
    const byDay = await usage(q('groupBy=day'));
    expect(byDay.body.rows.map((r: { key: string; credits: number; actions: number }) => [r.key, r.credits, r.actions])).toEqual([
      [day(t0), 13, 2],
      [day(t0 + DAY), 26, 3],
    ]);
    const byProject = await usage(q('groupBy=project'));
    expect(byProject.body.rows).toEqual([{ key: null, label: 'No project', credits: 39, actions: 5 }]);
    const byMember = await usage(q('groupBy=member'));
    expect(byMember.body.rows).toEqual([{ key: user.id, label: user.email, credits: 39, actions: 5 }]);
  });

  it('the period is [from, to) of the capture time', async () => {
    const r = await usage(`from=${new Date(t0 + DAY / 2).toISOString()}&to=${new Date(t0 + 3 * DAY).toISOString()}`);
    expect(r.body.total).toEqual({ credits: 26, actions: 3 });
    const none = await usage(`from=${new Date(t0 - 3 * DAY).toISOString()}&to=${new Date(t0 - DAY).toISOString()}`);
    expect(none.body).toMatchObject({ rows: [], total: { credits: 0, actions: 0 } });
    // Without a period: the last 30 days up to now.
    expect((await usage('')).body.total).toEqual({ credits: 13, actions: 2 });
  });

  it('a Pro-use charge counts 0 credits and 1 action', async () => {
    const pro = await newUser(s.url, { plan: 'pro', billing: 'monthly', proUses: 10 });
    await act(s, pro.tokens, 'ai-portrait');
    const r = await usage(q('groupBy=tool'), pro.tokens.access_token);
    expect(r.body.rows).toEqual([{ key: 'ai-portrait', label: 'AI Portrait', credits: 0, actions: 1 }]);
    const { text } = await csv(s, pro.tokens, q(''));
    expect(text.split('\r\n')[1]).toMatch(/,ai-portrait,,,0,0,0,0,1,desktop,desk-1$/);
  });

  it('CSV: the header, one CRLF line per captured charge, credits adding up to the JSON total', async () => {
    const { res, text } = await csv(s, user.tokens, q('groupBy=tool'));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="cutline-usage-\d{4}-\d\d-\d\d-\d{4}-\d\d-\d\d\.csv"$/);
    const lines = text.split('\r\n');
    expect(lines[0]).toBe(USAGE_CSV_COLUMNS.join(','));
    expect(lines[0]).toBe('captured_at,charge_id,member_email,tool,project_id,project_name,credits,subscription,activity,purchased,pro_uses,device_platform,device_id');
    expect(lines.at(-1)).toBe(''); // every line ends with CRLF
    expect(lines.slice(1, -1)).toHaveLength(5);
    expect(text).not.toMatch(/[^\r]\n/);
    const json = await usage(q('groupBy=tool'));
    expect(sumCredits(text)).toBe(json.body.total.credits);
    // The AI Image line: 20 credits, 11 activity and 9 purchased.
    expect(lines.find((l) => l.includes(',ai-image,'))).toMatch(new RegExp(`^\\d{4}-[^,]+Z,ch_[^,]+,${user.email.replace('.', '\\.')},ai-image,,,20,0,11,9,0,desktop,desk-1$`));
  });

  it('CSV: cells starting with = + - @ get a leading apostrophe; quotes and commas are quoted (RFC 4180)', async () => {
    const u = await newUser(s.url);
    await grant(s.url, u.id, 'purchased', 100);
    const devices = ['=HYPERLINK("x.test","a,b")', '+1', '-2+3', '@SUM(1)', 'plain"quote'];
    for (const id of devices) await act(s, u.tokens, 'auto-captions', 'capture', { id, platform: 'desktop' });
    const { text } = await csv(s, u.tokens, q(''));
    const cells = text.split('\r\n').slice(1, -1).map((l) => l.slice(l.lastIndexOf('desktop,') + 'desktop,'.length));
    expect(cells).toEqual(["\"'=HYPERLINK(\"\"x.test\"\",\"\"a,b\"\")\"", "'+1", "'-2+3", "'@SUM(1)", '"plain""quote"']);
  });

  it('bad queries are 400 with the field named; scope=team is for team admins (403); no token 401', async () => {
    const bad = async (query: string) => (await usage(query)).body;
    expect(await bad('from=yesterday')).toMatchObject({ error: 'invalid_request', message: expect.stringContaining('from') });
    expect(await bad(`from=${new Date(t0).toISOString()}&to=${new Date(t0 - 1).toISOString()}`)).toMatchObject({ error: 'invalid_request', message: 'from: from must be before to' });
    expect(await bad(`from=${new Date(t0 - 500 * DAY).toISOString()}&to=${new Date(t0).toISOString()}`)).toMatchObject({ error: 'invalid_request', message: "to: a period spans at most 400 days (unless it is one project's)" });
    expect(await bad('groupBy=color')).toMatchObject({ error: 'invalid_request', message: expect.stringContaining('groupBy') });
    expect(await bad('groupBy=tool&groupBy=day')).toMatchObject({ error: 'invalid_request' });
    expect((await usage('scope=team')).status).toBe(403);
    expect((await call(s.url, 'GET', '/v1/usage')).status).toBe(401);
    const noToken = await fetch(`${s.url}/v1/usage.csv`);
    expect(noToken.status).toBe(401);
    expect(await noToken.json()).toMatchObject({ error: 'unauthorized' });
    expect((await csv(s, user.tokens, 'groupBy=nope')).res.status).toBe(400);
  });
});

describe('reading captured charges page by page', () => {
  it('charges captured in the same millisecond are each read once, across pages', async () => {
    const T = Date.now();
    const s = await startTestServer({ sweepMs: 600_000, clock: { now: () => T } });
    try {
      const u = await newUser(s.url);
      await grant(s.url, u.id, 'purchased', 100);
      const ids: string[] = [];
      for (let i = 0; i < 7; i++) ids.push(await act(s, u.tokens, 'auto-captions'));
      const seen: string[] = [];
      const sizes: number[] = [];
      for await (const page of capturedCharges(s.ctx, { userId: u.id }, { from: T, to: T + 1 }, 3)) {
        sizes.push(page.length);
        seen.push(...page.map((c) => c.id));
      }
      expect(sizes).toEqual([3, 3, 1]);
      expect(seen).toEqual([...ids].sort());
      expect((await admin(s.url, 'GET', '/admin/v1/audit')).body.ok).toBe(true);
    } finally {
      await s.close();
    }
  });
});

describe('a team’s usage: every member’s charges that drew on the pool', () => {
  it('reads the charges with a pool part, from every member, and none made only of personal credits', async () => {
    const s = await startTestServer({ sweepMs: 600_000 });
    try {
      const t = await admin(s.url, 'POST', '/admin/v1/teams', { name: 'Pool team', creditsPerCycle: 10 });
      const member = (fields: Record<string, unknown> = {}) => newUser(s.url, { plan: 'teams', teamId: t.body.id, ...fields });
      const a = await member();
      const b = await member();
      const outsider = await newUser(s.url);
      for (const u of [a, b, outsider]) await grant(s.url, u.id, 'activity', 50);
      const from = Date.now() - 1000;
      const aFromPool = await act(s, a.tokens, 'remove-background'); // 5 of the pool's 10
      const aSplit = await act(s, a.tokens, 'smart-cutout'); // the pool's last 5 + 3 personal
      await act(s, b.tokens, 'auto-captions'); // the pool is empty: personal only
      await act(s, outsider.tokens, 'remove-background');
      const seen: { id: string; email: string; credits: number; subscription: number }[] = [];
      for await (const page of capturedCharges(s.ctx, { teamId: t.body.id }, { from, to: Date.now() + 1000 })) {
        seen.push(...page.map((c) => ({ id: c.id, email: c.email, credits: c.credits, subscription: c.byType.subscription })));
      }
      expect(seen).toEqual([
        { id: aFromPool, email: a.email, credits: 5, subscription: 5 },
        { id: aSplit, email: a.email, credits: 8, subscription: 5 },
      ]);
    } finally {
      await s.close();
    }
  });
});

describe('projects on charges', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer({ sweepMs: 600_000 });
  });
  afterAll(async () => {
    await s?.close();
  });

  const hold = (t: Tokens, body: Record<string, unknown>, key = newKey()) =>
    call(s.url, 'POST', '/v1/charges', { token: t.access_token, body: { tool: 'auto-captions', quantity: 1, device: { id: 'desk-1', platform: 'desktop' }, ...body }, headers: { 'idempotency-key': key } });

  it('a charge takes the project, returns it on every step, and usage groups by it with the newest name', async () => {
    const u = await newUser(s.url);
    await grant(s.url, u.id, 'purchased', 100);
    const trailer = { id: 'p-trailer', name: 'Trailer' };
    const h = await hold(u.tokens, { project: trailer });
    expect(h.status).toBe(201);
    expect(h.body.charge.project).toEqual(trailer);
    const c = await call(s.url, 'POST', `/v1/charges/${h.body.charge.id}/capture`, { token: u.tokens.access_token });
    expect(c.body.charge.project).toEqual(trailer);
    expect((await call(s.url, 'GET', `/v1/charges/${h.body.charge.id}`, { token: u.tokens.access_token })).body.project).toEqual(trailer);
    const renamed = await hold(u.tokens, { tool: 'remove-background', project: { id: 'p-trailer', name: 'Trailer (final)' } });
    await call(s.url, 'POST', `/v1/charges/${renamed.body.charge.id}/capture`, { token: u.tokens.access_token });
    const none = await hold(u.tokens, {});
    expect(none.body.charge).not.toHaveProperty('project');
    await call(s.url, 'POST', `/v1/charges/${none.body.charge.id}/capture`, { token: u.tokens.access_token });

    const byProject = await call(s.url, 'GET', '/v1/usage?groupBy=project', { token: u.tokens.access_token });
    expect(byProject.body.rows).toEqual([
      { key: 'p-trailer', label: 'Trailer (final)', credits: 8, actions: 2 },
      { key: null, label: 'No project', credits: 3, actions: 1 },
    ]);
    const one = await call(s.url, 'GET', '/v1/usage?groupBy=tool&project=p-trailer', { token: u.tokens.access_token });
    expect(one.body.total).toEqual({ credits: 8, actions: 2 });
    const { text } = await csv(s, u.tokens, 'project=p-trailer');
    expect(text.split('\r\n').slice(1, -1).map((l) => l.split(',').slice(4, 7).join(','))).toEqual(expect.arrayContaining(['p-trailer,Trailer,3', 'p-trailer,Trailer (final),5']));
  });

  it('the history names each charge’s project, and why its credits came back (failed, cancelled)', async () => {
    const u = await newUser(s.url);
    await grant(s.url, u.id, 'purchased', 100);
    const project = { id: 'p-doc', name: 'Documentary' };
    const failed = await hold(u.tokens, { project });
    await call(s.url, 'POST', `/v1/charges/${failed.body.charge.id}/release`, { token: u.tokens.access_token, body: { reason: 'failed' } });
    const cancelled = await hold(u.tokens, {});
    await call(s.url, 'POST', `/v1/charges/${cancelled.body.charge.id}/release`, { token: u.tokens.access_token, body: { reason: 'cancelled' } });
    const page = await call(s.url, 'GET', '/v1/ledger?limit=10', { token: u.tokens.access_token });
    expect(page.status).toBe(200);
    const of = (id: string) => page.body.entries.filter((e: { chargeId: string }) => e.chargeId === id).map((e: { kind: string; project?: unknown; reason?: string }) => [e.kind, e.project ?? null, e.reason ?? null]);
    expect(of(failed.body.charge.id)).toEqual([
      ['release', project, 'failed'],
      ['hold', project, null],
    ]);
    expect(of(cancelled.body.charge.id)).toEqual([
      ['release', null, 'cancelled'],
      ['hold', null, null],
    ]);
  });

  it('the same key with another project is another request (422); a bad project is a 400 naming the field', async () => {
    const u = await newUser(s.url);
    await grant(s.url, u.id, 'purchased', 100);
    const key = newKey();
    expect((await hold(u.tokens, { project: { id: 'p-1', name: 'One' } }, key)).status).toBe(201);
    expect((await hold(u.tokens, { project: { id: 'p-1', name: 'One' } }, key)).status).toBe(200);
    expect((await hold(u.tokens, { project: { id: 'p-2', name: 'Two' } }, key)).status).toBe(422);
    for (const project of [{ id: '', name: 'x' }, { id: 'has space', name: 'x' }, { id: 'x'.repeat(65), name: 'x' }, { id: 'p', name: '' }, { id: 'p', name: 'n'.repeat(201) }, { id: 'p' }]) {
      const r = await hold(u.tokens, { project });
      expect(r.status).toBe(400);
      expect(r.body).toMatchObject({ error: 'invalid_request', message: expect.stringContaining('project') });
    }
  });
});

describe('scope=team: a team admin reads every member’s pool spending', () => {
  it('by member for the owner; 403 for a member and for a user outside a team', async () => {
    const s = await startTestServer({ sweepMs: 600_000 });
    try {
      const t = await admin(s.url, 'POST', '/admin/v1/teams', { name: 'Scope team', creditsPerCycle: 100 });
      const owner = await newUser(s.url, { plan: 'teams', teamId: t.body.id });
      await admin(s.url, 'PUT', `/admin/v1/teams/${t.body.id}/members/${owner.id}`, { role: 'owner' });
      const member = await newUser(s.url, { plan: 'teams', teamId: t.body.id });
      const outsider = await newUser(s.url);
      await act(s, owner.tokens, 'remove-background');
      await act(s, member.tokens, 'smart-cutout');
      await act(s, member.tokens, 'auto-captions');
      const r = await call(s.url, 'GET', '/v1/usage?scope=team&groupBy=member', { token: owner.tokens.access_token });
      expect(r.status).toBe(200);
      expect(r.body).toMatchObject({ scope: 'team', groupBy: 'member', total: { credits: 16, actions: 3 } });
      expect(r.body.rows).toEqual([
        { key: member.id, label: member.email, credits: 11, actions: 2 },
        { key: owner.id, label: owner.email, credits: 5, actions: 1 },
      ]);
      const { text } = await csv(s, owner.tokens, 'scope=team');
      expect(text.split('\r\n').slice(1, -1)).toHaveLength(3);
      expect(sumCredits(text)).toBe(16);
      expect((await call(s.url, 'GET', '/v1/usage?scope=team', { token: member.tokens.access_token })).body).toMatchObject({ error: 'forbidden' });
      expect((await call(s.url, 'GET', '/v1/usage?scope=team', { token: outsider.tokens.access_token })).status).toBe(403);
      expect((await csv(s, member.tokens, 'scope=team')).res.status).toBe(403);
    } finally {
      await s.close();
    }
  });
});
