/**
 * Outside suite for accounts a person can open and recover: the built service spawned as
 * `npm run server` runs it, spoken to over HTTP only — on SQLite (or, under
 * CUTLINE_TEST_STORE=postgres, PostgreSQL), with a real SMTP server on 127.0.0.1 and with the
 * printed-mail fallback — and two instances on one PostgreSQL database: the sign-in limit counted
 * once for both, a reset through one ending the streams on the other, each mail sent once.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, pkce, postSignInForm, signIn } from '../helpers/client';
import { waitForPrinted } from '../helpers/mail-lines';
import { createDatabase, dropDatabase, withClient } from '../helpers/pg';
import { startProcess, type ServiceProcess } from '../helpers/process';
import { startSmtpReceiver, type SmtpReceiver } from '../helpers/smtp-receiver';
import { openSse } from '../helpers/sse';
import { Browser, field, visible } from '../web/browser';

const ADMIN = 'outside-suite-admin-token';
const PASSWORD = 'first-password-1';
const cleanups: (() => Promise<unknown> | void)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
});

const onPostgres = process.env.CUTLINE_TEST_STORE === 'postgres';
async function database(): Promise<string> {
  if (onPostgres) {
    const url = await createDatabase();
    cleanups.push(() => dropDatabase(url));
    return url;
  }
  const dir = mkdtempSync(join(tmpdir(), 'cutline-accounts-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return join(dir, 'credits.db');
}

async function service(db: string, env: Record<string, string> = {}): Promise<ServiceProcess> {
  const p = await startProcess({ PORT: '0', CUTLINE_DB: db, CUTLINE_SEED: 'demo', CUTLINE_ADMIN_TOKEN: ADMIN, CUTLINE_MAIL_RETRY_MS: '100', ...env }, { built: true });
  cleanups.push(() => p.stop());
  return p;
}

let n = 0;
const freshEmail = () => `person-${process.pid}-${n++}-${Date.now().toString(36)}@example.test`;
const pathOf = (link: string) => new URL(link).pathname + new URL(link).search;

async function signUp(base: string, email: string, password = PASSWORD) {
  const b = new Browser(base);
  const form = await b.get('/signup');
  const res = await b.post('/signup', { csrf: field(form.text, 'csrf'), email, password });
  return { b, res };
}

async function askReset(base: string, email: string) {
  const b = new Browser(base);
  const form = await b.get('/forgot');
  return b.post('/forgot', { csrf: field(form.text, 'csrf'), email });
}

async function reset(base: string, link: string, password: string) {
  const b = new Browser(base);
  const form = await b.get(pathOf(link));
  if (form.status !== 200) return form;
  return b.post('/reset', { csrf: field(form.text, 'csrf'), token: field(form.text, 'token'), password });
}

// Each test spawns or drives service processes: give them room on a busy machine.
describe(`one instance on ${onPostgres ? 'PostgreSQL' : 'SQLite'}, mail through a real SMTP server`, { timeout: 120_000 }, () => {
  let smtp: SmtpReceiver;
  let s: ServiceProcess;
  beforeAll(async () => {
    smtp = await startSmtpReceiver();
    cleanups.push(() => smtp.close());
    s = await service(await database(), { CUTLINE_SMTP_URL: smtp.url, CUTLINE_MAIL_FROM: 'Cutline Test <no-reply@cutline.test>' });
  });

  it('sign-up: a free account, the browser signed in, a confirmation mail in text and HTML whose link works once', async () => {
    const email = freshEmail();
    const { b, res } = await signUp(s.url, email);
    expect(res.status).toBe(303);
    expect((await b.get('/credits')).status).toBe(200);
    const t = await signIn(s.url, email, PASSWORD);
    expect((await call(s.url, 'GET', '/v1/me', { token: t.access_token })).body).toMatchObject({ email, plan: 'free' });

    const [mail] = await smtp.waitFor((m) => m.rcptTo.includes(email));
    expect(mail.rcptTo).toEqual([email]);
    expect(mail.from).toBe('no-reply@cutline.test');
    expect(mail.subject).toBe('Confirm your email for Cutline');
    const link = new RegExp(`${s.url}/verify\\?token=[A-Za-z0-9_-]{43}`).exec(mail.text)![0];
    expect(mail.html).toContain(`href="${link}"`);
    expect((await b.get(pathOf(link))).status).toBe(200);
    expect((await b.get(pathOf(link))).status).toBe(410);
  });

  it('a taken email: the same answer, nobody signed in, and a notice to its owner', async () => {
    const { res: fresh } = await signUp(s.url, freshEmail());
    const { b, res } = await signUp(s.url, 'free@cutline.test', 'a-guess-at-it');
    expect([res.status, res.location]).toEqual([fresh.status, fresh.location]);
    expect((await b.get('/credits')).status).toBe(303);
    const [notice] = await smtp.waitFor((m) => m.rcptTo.includes('free@cutline.test'));
    expect(notice.subject).toBe('Someone tried to create a Cutline account with your email');
    expect(notice.text).toContain(`${s.url}/forgot`);
  });

  it('forgot → reset: the link by mail, then every session, token and stream of the account ended, the link used up', async () => {
    const email = freshEmail();
    const { b: web } = await signUp(s.url, email);
    const t = await signIn(s.url, email, PASSWORD);
    const stream = await openSse(s.url, t.access_token);
    await stream.waitFor((e) => e.event === 'balance');

    expect((await askReset(s.url, email)).status).toBe(200);
    const [mail] = await smtp.waitFor((m) => m.rcptTo.includes(email) && m.subject === 'Reset your Cutline password');
    const link = new RegExp(`${s.url}/reset\\?token=[A-Za-z0-9_-]{43}`).exec(mail.text)![0];
    expect(mail.html).toContain(link);
    const done = await reset(s.url, link, 'second-password-2');
    expect(done.status).toBe(200);

    await stream.waitFor((e) => e.event === 'error' && JSON.parse(e.data).error === 'unauthorized');
    await stream.closed;
    expect((await call(s.url, 'GET', '/v1/balance', { token: t.access_token })).status).toBe(401);
    expect((await call(s.url, 'POST', '/oauth/token', { body: { grant_type: 'refresh_token', refresh_token: t.refresh_token } })).status).toBe(401);
    expect((await web.get('/credits')).status).toBe(303);
    expect((await postSignInForm(s.url, email, PASSWORD, 'st', pkce().challenge)).status).toBe(401);
    expect((await postSignInForm(s.url, email, 'second-password-2', 'st', pkce().challenge)).status).toBe(302);
    const used = await reset(s.url, link, 'third-password-3');
    expect(used.status).toBe(410);
    expect(visible(used.text)).toContain('This link was already used');
    await smtp.waitFor((m) => m.rcptTo.includes(email) && m.subject === 'Your Cutline password was changed');
  });

  it('a mail the SMTP server refuses at first is retried and arrives once', async () => {
    const email = freshEmail();
    await signUp(s.url, email);
    await smtp.waitFor((m) => m.rcptTo.includes(email));
    const refusedBefore = smtp.refused;
    smtp.refuseNext(2);
    expect((await askReset(s.url, email)).status).toBe(200);
    await smtp.waitFor((m) => m.rcptTo.includes(email) && m.subject === 'Reset your Cutline password');
    expect(smtp.refused - refusedBefore).toBe(2);
    expect(smtp.mails.filter((m) => m.rcptTo.includes(email) && m.subject === 'Reset your Cutline password')).toHaveLength(1);
  });

  it('a mail queued while the SMTP server is down goes out after the service restarts', async () => {
    const down = await startSmtpReceiver();
    const port = down.port;
    await down.close(); // nothing listens there now
    const db = await database();
    const env = { CUTLINE_SMTP_URL: `smtp://127.0.0.1:${port}` };
    const a = await service(db, env);
    expect((await askReset(a.url, 'pro@cutline.test')).status).toBe(200);
    await expect.poll(() => a.stderr(), { timeout: 20_000 }).toMatch(/outbox mail #\d+: attempt 1 failed/);
    expect(await a.stop()).toBe(0);

    const up = await startSmtpReceiver(port);
    cleanups.push(() => up.close());
    const b = await service(db, env);
    const [mail] = await up.waitFor((m) => m.rcptTo.includes('pro@cutline.test'));
    expect(mail.subject).toBe('Reset your Cutline password');
    const link = new RegExp(`${a.url}/reset\\?token=[A-Za-z0-9_-]{43}`).exec(mail.text)![0];
    // The link was made by the first process; the second sets the password with it.
    expect((await reset(b.url, link.replace(a.url, b.url), 'after-restart-1')).status).toBe(200);
  });
});

describe(`one instance on ${onPostgres ? 'PostgreSQL' : 'SQLite'}, no SMTP server: the printed mail line`, { timeout: 120_000 }, () => {
  let s: ServiceProcess;
  beforeAll(async () => {
    s = await service(await database());
  });

  it('prints each mail as one line, and its links work', async () => {
    await expect.poll(() => s.stderr()).toMatch(/mail: printed on the service’s output/);
    const email = freshEmail();
    await signUp(s.url, email);
    const [verify] = await waitForPrinted(s.stdout, (m) => m.to === email);
    const line = s.stdout.find((l) => l.startsWith(`cutline-mail to=${email} `))!;
    expect(line).toMatch(new RegExp(`^cutline-mail to=${email.replace(/[.]/g, '\\.')} subject="Confirm your email for Cutline" link=${s.url}/verify\\?token=[A-Za-z0-9_-]{43}$`));
    expect((await new Browser(s.url).get(pathOf(verify.link))).status).toBe(200);

    await askReset(s.url, email);
    const [resetMail] = await waitForPrinted(s.stdout, (m) => m.to === email && m.subject === 'Reset your Cutline password');
    expect((await reset(s.url, resetMail.link, 'printed-password-2')).status).toBe(200);
    expect((await postSignInForm(s.url, email, 'printed-password-2', 'st', pkce().challenge)).status).toBe(302);
  });
});

describe('two instances on one PostgreSQL database', { timeout: 120_000 }, () => {
  let smtp: SmtpReceiver;
  let a: ServiceProcess;
  let b: ServiceProcess;
  let url: string;
  beforeAll(async () => {
    smtp = await startSmtpReceiver();
    cleanups.push(() => smtp.close());
    url = await createDatabase();
    cleanups.push(() => dropDatabase(url));
    a = await service(url, { CUTLINE_SMTP_URL: smtp.url });
    b = await service(url, { CUTLINE_SMTP_URL: smtp.url });
  });

  const authorize = (base: string, email: string, password: string, from?: string) => postSignInForm(base, email, password, 'st', pkce().challenge, from);

  it('10 wrong passwords from one address, then the right one from another address: accepted, on both instances', async () => {
    const email = freshEmail();
    await signUp(a.url, email);
    for (let i = 0; i < 10; i++) expect((await authorize(i % 2 ? a.url : b.url, email, `wrong-${i}`)).status).toBe(401);
    expect((await authorize(a.url, email, PASSWORD)).status).toBe(429); // the guessing address: refused everywhere
    expect((await authorize(b.url, email, PASSWORD)).status).toBe(429);
    expect((await authorize(a.url, email, PASSWORD, '127.0.0.61')).status).toBe(302);
    expect((await authorize(b.url, email, PASSWORD, '127.0.0.62')).status).toBe(302);
  });

  it('20 wrong passwords across both instances: refused after 10, not 20', async () => {
    const email = freshEmail();
    await signUp(b.url, email);
    const statuses: number[] = [];
    for (let i = 0; i < 20; i++) statuses.push((await authorize(i % 2 ? a.url : b.url, email, `wrong-${i}`, '127.0.0.63')).status);
    expect(statuses).toEqual([...Array(10).fill(401), ...Array(10).fill(429)]);
  });

  it('a reset through one instance ends the account’s streams and sessions on the other at once', async () => {
    const email = freshEmail();
    const { b: web } = await signUp(a.url, email);
    const t1 = await signIn(a.url, email, PASSWORD);
    const t2 = await signIn(b.url, email, PASSWORD);
    const onA = await openSse(a.url, t1.access_token);
    const onA2 = await openSse(a.url, t2.access_token);
    await onA.waitFor((e) => e.event === 'balance');
    await onA2.waitFor((e) => e.event === 'balance');

    await askReset(b.url, email);
    const [mail] = await smtp.waitFor((m) => m.rcptTo.includes(email) && m.subject === 'Reset your Cutline password');
    // Each instance here has its own public URL (its port): the link names B, which queued it.
    const link = new RegExp(`${b.url}/reset\\?token=[A-Za-z0-9_-]{43}`).exec(mail.text)![0];
    expect((await reset(b.url, link, 'second-password-2')).status).toBe(200);

    for (const stream of [onA, onA2]) {
      await stream.waitFor((e) => e.event === 'error' && JSON.parse(e.data).error === 'unauthorized');
      await stream.closed;
    }
    expect((await web.get('/credits')).status).toBe(303);
    expect((await call(a.url, 'GET', '/v1/me', { token: t2.access_token })).status).toBe(401);
  });

  it('mail queued through both instances is sent once each', async () => {
    const emails = Array.from({ length: 8 }, freshEmail);
    await Promise.all(emails.map((e, i) => signUp(i % 2 ? a.url : b.url, e)));
    await Promise.all(emails.map((e, i) => askReset(i % 2 ? b.url : a.url, e)));
    await smtp.waitFor((m) => emails.some((e) => m.rcptTo.includes(e)), 16);
    // Once the outbox is empty nothing more can go out.
    await expect.poll(() => withClient(url, (c) => c.query('SELECT COUNT(*)::int AS n FROM outbox')).then((r) => r.rows[0].n), { timeout: 20_000 }).toBe(0);
    for (const e of emails) {
      const subjects = smtp.mails.filter((m) => m.rcptTo.includes(e)).map((m) => m.subject).sort();
      expect(subjects).toEqual(['Confirm your email for Cutline', 'Reset your Cutline password']);
    }
  });
});
