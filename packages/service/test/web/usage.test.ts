/**
 * `/credits` — where the credits went: by tool, by project and by UTC day for the period the
 * reader chose (a GET form: no script needed), the total, and *Download CSV* on the web session
 * (the same file as the API's, its credits adding up to the shown total).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { USAGE_CSV_COLUMNS } from '@cutline/contract/usage';
import { call, grant, newKey, newUser, type Tokens } from '../helpers/client';
import { startTestServer, type TestServer } from '../helpers/server';
import { Browser, dataNumber, visible } from './browser';

const DAY = 86_400_000;
let s: TestServer;
let offset = 0;
let user: { id: string; email: string; tokens: Tokens };
const today = () => new Date(Date.now()).toISOString().slice(0, 10);
const daysAgo = (n: number) => new Date(Date.now() - n * DAY).toISOString().slice(0, 10);

async function spend(tool: string, settle: 'capture' | 'release' = 'capture') {
  const t = user.tokens.access_token;
  const h = await call(s.url, 'POST', '/v1/charges', { token: t, body: { tool, quantity: 1, device: { id: 'web-test', platform: 'desktop' } }, headers: { 'idempotency-key': newKey() } });
  expect(h.status).toBe(201);
  expect((await call(s.url, 'POST', `/v1/charges/${h.body.charge.id}/${settle}`, { token: t, body: settle === 'release' ? { reason: 'cancelled' } : undefined })).status).toBe(200);
}

beforeAll(async () => {
  s = await startTestServer({ sweepMs: 600_000, accessTokenTtlS: 100 * 86_400, clock: { now: () => Date.now() + offset } });
  user = await newUser(s.url, { password: 'password-123' });
  await grant(s.url, user.id, 'purchased', 500);
  offset = -40 * DAY; // outside the default 30 days
  await spend('ai-image');
  offset = -2 * DAY;
  await spend('remove-background');
  await spend('ai-portrait', 'release');
  offset = 0;
  await spend('remove-background');
  await spend('auto-captions');
});
afterAll(async () => {
  await s?.close();
});

const usageRows = (text: string, attr: string) => {
  const m = new RegExp(`<table data-usage="${attr}">([\\s\\S]*?)</table>`).exec(text);
  if (!m) return [];
  return [...m[1].matchAll(/<tr data-key="([^"]*)"><td>([^<]*)<\/td><td class="num">([\d,]+)<\/td><td class="num">([\d,]+)<\/td><\/tr>/g)].map((r) => [r[2], Number(r[3]), Number(r[4])]);
};

describe('/credits: where the credits went', () => {
  it('the last 30 days by default: by tool, by project, by day, with the total', async () => {
    const b = new Browser(s.url);
    await b.signIn(user.email, 'password-123');
    const r = await b.get('/credits');
    expect(r.status).toBe(200);
    expect(dataNumber(r.text, 'usage-total')).toBe(5 + 5 + 3);
    expect(usageRows(r.text, 'tool')).toEqual([
      ['Remove Background', 10, 2],
      ['Auto Captions', 3, 1],
    ]);
    expect(usageRows(r.text, 'project')).toEqual([['No project', 13, 3]]);
    expect(usageRows(r.text, 'day').map((x) => [x[1], x[2]])).toEqual([
      [5, 1],
      [8, 2],
    ]);
    expect(visible(r.text)).toContain(`13 credits spent on 3 AI actions from ${daysAgo(29)} to ${today()}`);
    expect(r.text).toContain(`href="/credits/usage.csv?from=${daysAgo(29)}&amp;to=${today()}"`);
    // The period is a plain GET form: it works with scripts off.
    expect(r.text).toMatch(/<form method="get" action="\/credits#usage"[^>]*>[\s\S]*name="from"[\s\S]*name="to"/);
  });

  it('a chosen period; Download CSV gives that period, its credits adding up to the total shown', async () => {
    const b = new Browser(s.url);
    await b.signIn(user.email, 'password-123');
    const r = await b.get(`/credits?from=${daysAgo(45)}&to=${daysAgo(1)}`);
    expect(dataNumber(r.text, 'usage-total')).toBe(20 + 5);
    expect(usageRows(r.text, 'tool')).toEqual([
      ['AI Image', 20, 1],
      ['Remove Background', 5, 1],
    ]);
    const href = /href="(\/credits\/usage\.csv\?[^"]+)"/.exec(r.text)![1].replace(/&amp;/g, '&');
    const file = await b.get(href);
    expect(file.status).toBe(200);
    expect(file.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(file.headers.get('content-disposition')).toContain('attachment; filename="cutline-usage-');
    const lines = file.text.split('\r\n');
    expect(lines[0]).toBe(USAGE_CSV_COLUMNS.join(','));
    expect(lines.slice(1, -1).map((l) => Number(l.split(',')[6]))).toEqual([20, 5]);
  });

  it('a bad period is a page that says what to fix (400); the CSV needs a session', async () => {
    const b = new Browser(s.url);
    await b.signIn(user.email, 'password-123');
    const bad = await b.get(`/credits?from=${today()}&to=${daysAgo(3)}`);
    expect(bad.status).toBe(400);
    expect(visible(bad.text)).toContain('The first day of the period must not come after its last day.');
    expect((await b.get('/credits?from=yesterday')).status).toBe(400);
    const anon = await new Browser(s.url).get('/credits/usage.csv');
    expect(anon.status).toBe(303);
    expect(anon.location).toBe('/signin?next=%2Fcredits');
  });
});

describe('/credits history: each charge’s project, and why its credits came back', () => {
  it('names the project; says failed or cancelled; a part whose batch expired meanwhile went back and expired with it', async () => {
    let shift = 0;
    const srv = await startTestServer({ sweepMs: 600_000, accessTokenTtlS: 86_400, clock: { now: () => Date.now() + shift } });
    try {
      const u = await newUser(srv.url, { password: 'password-123' });
      await grant(srv.url, u.id, 'activity', 3, new Date(Date.now() + 60_000).toISOString());
      await grant(srv.url, u.id, 'purchased', 100);
      const t = u.tokens.access_token;
      const hold = async (tool: string, project?: { id: string; name: string }) =>
        (await call(srv.url, 'POST', '/v1/charges', { token: t, body: { tool, quantity: 1, device: { id: 'web-test', platform: 'desktop' }, ...(project ? { project } : {}) }, headers: { 'idempotency-key': newKey() } })).body.charge.id as string;
      const release = (id: string, reason: string) => call(srv.url, 'POST', `/v1/charges/${id}/release`, { token: t, body: { reason } });
      const lost = await hold('remove-background', { id: 'p-teaser', name: 'Teaser' }); // 3 activity (expiring) + 2 purchased
      shift = 120_000; // the activity batch expires while the hold runs
      expect((await release(lost, 'failed')).status).toBe(200);
      const cancelled = await hold('auto-captions');
      expect((await release(cancelled, 'cancelled')).status).toBe(200);
      const b = new Browser(srv.url);
      await b.signIn(u.email, 'password-123');
      const page = await b.get('/credits');
      const row = (id: string) => visible(new RegExp(`<tr data-entry="${id}"[\\s\\S]*?</tr>`).exec(page.text)![0]);
      expect(row(lost)).toContain('Held, then returned (the AI action failed). 3 credits went back to a batch that had expired meanwhile, so they expired with it');
      expect(row(lost)).toContain('Project: Teaser');
      expect(row(lost)).toContain('−5 credits → +5 credits, −3 credits expired');
      expect(row(cancelled)).toContain('Held, then returned (the AI action was cancelled)');
      expect(row(cancelled)).not.toContain('Project:');
    } finally {
      await srv.close();
    }
  });
});
