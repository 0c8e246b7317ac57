/**
 * Accounts a person can open and recover, over HTTP against the real service (in-process; the
 * mails are the printed lines): sign-up with its confirmation mail and its answer for a taken
 * email, the way back into the desktop's sign-in, forgot and reset password with everything it
 * signs out, and the links' one-time and 30-minute rules (a clock moved forward).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authorizeQuery, call, newUser, pkce, postSignInForm, signIn } from '../helpers/client';
import { waitForPrinted } from '../helpers/mail-lines';
import { startTestServer, type TestServer } from '../helpers/server';
import { openSse } from '../helpers/sse';
import { Browser, field, visible } from './browser';

let offset = 0;
let s: TestServer;
beforeAll(async () => {
  s = await startTestServer({ clock: { now: () => Date.now() + offset } });
});
afterAll(() => s.close());

let n = 0;
const freshEmail = () => `new-${process.pid}-${n++}-${Date.now().toString(36)}@example.test`;
const PASSWORD = 'a-long-password';

async function signUp(b: Browser, email: string, password = PASSWORD, query = '') {
  const form = await b.get(`/signup${query}`);
  expect(form.status).toBe(200);
  const fields: Record<string, string> = { csrf: field(form.text, 'csrf'), email, password };
  if (form.text.includes('name="return"')) fields.return = field(form.text, 'return');
  return b.post('/signup', fields);
}

async function askReset(b: Browser, email: string) {
  const form = await b.get('/forgot');
  return b.post('/forgot', { csrf: field(form.text, 'csrf'), email });
}

describe('sign-up', () => {
  it('opens a free account, signs the browser in, and mails a confirmation link that works once', async () => {
    const b = new Browser(s.url);
    const email = freshEmail();
    const res = await signUp(b, `  ${email.toUpperCase()} `);
    expect(res.status).toBe(303);
    expect(res.location).toBe('/signup/sent');
    const credits = await b.get('/credits');
    expect(credits.status).toBe(200);
    expect(visible(credits.text)).toContain(email);
    // the free plan, as the API tells it
    const t = await signIn(s.url, email, PASSWORD);
    expect((await call(s.url, 'GET', '/v1/me', { token: t.access_token })).body).toMatchObject({ email, plan: 'free', teamId: null, proUses: null });

    const [mail] = await waitForPrinted(s.printedMail, (m) => m.to === email);
    expect(mail.subject).toBe('Confirm your email for Cutline');
    expect(mail.link).toMatch(new RegExp(`^${s.publicUrl}/verify\\?token=[A-Za-z0-9_-]{43}$`));
    const open = await b.get(mail.link.slice(s.publicUrl.length));
    expect(open.status).toBe(200);
    expect(visible(open.text)).toContain('Your email is confirmed');
    const again = await b.get(mail.link.slice(s.publicUrl.length));
    expect(again.status).toBe(410);
    expect(visible(again.text)).toContain('already used');
  });

  it('answers a taken email exactly as a new one — and mails its owner instead of signing anyone in', async () => {
    const owner = await newUser(s.url);
    const fresh = await signUp(new Browser(s.url), freshEmail());
    const b = new Browser(s.url);
    const taken = await signUp(b, owner.email, 'someone-elses-password');
    expect(taken.status).toBe(fresh.status);
    expect(taken.location).toBe(fresh.location);
    const names = (p: typeof fresh) => p.setCookies.map((c) => c.split('=')[0]).sort();
    expect(names(taken)).toEqual(names(fresh));
    expect(visible((await b.get('/signup/sent')).text)).toBe(visible((await new Browser(s.url).get('/signup/sent')).text));
    // …but that browser is signed in to nothing, and the owner's password is unchanged.
    expect((await b.get('/credits')).status).toBe(303);
    expect((await postSignInForm(s.url, owner.email, 'someone-elses-password', 'st', pkce().challenge)).status).toBe(401);
    const [notice] = await waitForPrinted(s.printedMail, (m) => m.to === owner.email);
    expect(notice.subject).toBe('Someone tried to create a Cutline account with your email');
    expect(notice.link).toBe(`${s.publicUrl}/forgot`);
  });

  it('refuses a short password, a bad email and a form from elsewhere, with the form again and no account', async () => {
    const b = new Browser(s.url);
    const email = freshEmail();
    const short = await signUp(b, email, 'nine-char');
    expect(short.status).toBe(400);
    expect(visible(short.text)).toContain('Use at least 10 characters for your password.');
    expect(field(short.text, 'email')).toBe(email);
    const bad = await signUp(b, 'not-an-email', PASSWORD);
    expect(bad.status).toBe(400);
    expect(visible(bad.text)).toContain('Enter an email address like name@example.com.');
    const forged = await new Browser(s.url).post('/signup', { csrf: 'x'.repeat(43), email, password: PASSWORD });
    expect(forged.status).toBe(403);
    expect((await postSignInForm(s.url, email, PASSWORD, 'st', pkce().challenge)).status).toBe(401);
    expect(s.printedMail.some((l) => l.includes(`to=${email} `))).toBe(false);
  });

  it('from the desktop’s sign-in page: a link to sign up, and after it the way back into the app’s sign-in', async () => {
    const p = pkce();
    const authorize = `/oauth/authorize?${authorizeQuery('state-1', p.challenge)}`;
    const b = new Browser(s.url);
    const page = await b.get(authorize);
    const signupHref = /href="(\/signup\?[^"]+)"/.exec(page.text)![1].replace(/&amp;/g, '&');
    expect(/href="(\/forgot\?return=[^"]+)"/.test(page.text)).toBe(true);
    const email = freshEmail();
    const done = await signUp(b, email, PASSWORD, signupHref.slice('/signup'.length));
    expect(done.status).toBe(303);
    const sent = await b.get(done.location!);
    const back = /<a class="button" href="([^"]+)">Continue to the Cutline app<\/a>/.exec(sent.text)![1].replace(/&amp;/g, '&');
    expect(new URL(back, s.url).searchParams.get('state')).toBe('state-1');
    const cont = await b.get(back);
    expect(visible(cont.text)).toContain(`Continue as ${email}`);
    const code = await b.post('/oauth/authorize', { ...Object.fromEntries(authorizeQuery('state-1', p.challenge)), continue: '1', csrf: field(cont.text, 'csrf') });
    expect(code.status).toBe(302);
    expect(code.location).toMatch(/^cutline:\/\/auth\/callback\?code=.+&state=state-1$/);
  });

  it('never follows a return that is not a valid desktop sign-in', async () => {
    const q = authorizeQuery('s', pkce().challenge);
    q.set('redirect_uri', 'https://evil.example/cb');
    const b = new Browser(s.url);
    const form = await b.get(`/signup?${new URLSearchParams({ return: `/oauth/authorize?${q}` })}`);
    expect(form.text).not.toContain('name="return"');
    const res = await b.post('/signup', { csrf: field(form.text, 'csrf'), email: freshEmail(), password: PASSWORD, return: 'https://evil.example/' });
    expect(res.location).toBe('/signup/sent');
  });
});

describe('forgot and reset password', () => {
  it('answers the same page for an unknown email, and mails only a known one', async () => {
    const u = await newUser(s.url);
    const unknown = freshEmail();
    const known = await askReset(new Browser(s.url), u.email);
    const other = await askReset(new Browser(s.url), unknown);
    expect(known.status).toBe(200);
    expect(other.status).toBe(200);
    expect(visible(known.text).replace(u.email, 'X')).toBe(visible(other.text).replace(unknown, 'X'));
    const [mail] = await waitForPrinted(s.printedMail, (m) => m.to === u.email);
    expect(mail.subject).toBe('Reset your Cutline password');
    expect(mail.link).toMatch(new RegExp(`^${s.publicUrl}/reset\\?token=[A-Za-z0-9_-]{43}$`));
    expect(s.printedMail.some((l) => l.includes(`to=${unknown} `))).toBe(false);
  });

  it('a reset signs the account out everywhere: web sessions, tokens, refresh, and its event streams at once', async () => {
    const u = await newUser(s.url);
    const web = new Browser(s.url);
    await web.signIn(u.email, 'password-123');
    // The web dashboard's live stream (on the session cookie) is open too.
    const live = await fetch(`${s.url}/credits/live`, { headers: { cookie: [...web.jar].map(([k, v]) => `${k}=${v}`).join('; '), accept: 'text/event-stream' } });
    expect(live.status).toBe(200);
    const liveText = live.text();
    const stream = await openSse(s.url, u.tokens.access_token);
    await stream.waitFor((e) => e.event === 'balance');

    await askReset(new Browser(s.url), u.email);
    const [mail] = await waitForPrinted(s.printedMail, (m) => m.to === u.email && m.subject === 'Reset your Cutline password');
    const path = mail.link.slice(s.publicUrl.length);
    const b = new Browser(s.url);
    const form = await b.get(path);
    expect(form.status).toBe(200);
    const short = await b.post('/reset', { csrf: field(form.text, 'csrf'), token: field(form.text, 'token'), password: 'short' });
    expect(short.status).toBe(400);
    expect(visible(short.text)).toContain('Use at least 10 characters');
    const done = await b.post('/reset', { csrf: field(form.text, 'csrf'), token: field(form.text, 'token'), password: 'my-new-password' });
    expect(done.status).toBe(200);
    expect(visible(done.text)).toContain('Your password is changed');

    await stream.waitFor((e) => e.event === 'error' && JSON.parse(e.data).error === 'unauthorized');
    await stream.closed;
    expect(await liveText).toContain('event: signed-out'); // ended, not left open
    expect((await call(s.url, 'GET', '/v1/me', { token: u.tokens.access_token })).status).toBe(401);
    expect((await call(s.url, 'POST', '/oauth/token', { body: { grant_type: 'refresh_token', refresh_token: u.tokens.refresh_token } })).status).toBe(401);
    expect((await web.get('/credits')).status).toBe(303);
    expect((await postSignInForm(s.url, u.email, 'password-123', 'st', pkce().challenge)).status).toBe(401);
    expect((await postSignInForm(s.url, u.email, 'my-new-password', 'st', pkce().challenge)).status).toBe(302);
    await waitForPrinted(s.printedMail, (m) => m.to === u.email && m.subject === 'Your Cutline password was changed');

    // The link is burned: opening or posting it again is a 410 page.
    expect((await b.get(path)).status).toBe(410);
    const reuse = await b.post('/reset', { csrf: field(form.text, 'csrf'), token: field(form.text, 'token'), password: 'another-password' });
    expect(reuse.status).toBe(410);
    expect(visible(reuse.text)).toContain('This link was already used');
  });

  it('a link works for 30 minutes; an expired, burned or unknown link is a 410 page; setting a password burns the other links', async () => {
    const u = await newUser(s.url);
    await askReset(new Browser(s.url), u.email);
    await askReset(new Browser(s.url), u.email);
    const [first, second] = (await waitForPrinted(s.printedMail, (m) => m.to === u.email, 2)).map((m) => m.link.slice(s.publicUrl.length));
    offset = 31 * 60_000;
    try {
      const late = await new Browser(s.url).get(first);
      expect(late.status).toBe(410);
      expect(visible(late.text)).toContain('This link has expired');
    } finally {
      offset = 0;
    }
    const b = new Browser(s.url);
    const form = await b.get(first);
    expect((await b.post('/reset', { csrf: field(form.text, 'csrf'), token: field(form.text, 'token'), password: 'my-new-password' })).status).toBe(200);
    expect((await b.get(second)).status).toBe(410);
    const unknown = await b.get(`/reset?token=${'A'.repeat(43)}`);
    expect(unknown.status).toBe(410);
    expect(visible(unknown.text)).toContain('This link is not valid');
  });

  it('mails one address at most 5 times per 15 minutes, whoever asks', async () => {
    const u = await newUser(s.url);
    for (let i = 0; i < 7; i++) expect((await askReset(new Browser(s.url), u.email)).status).toBe(200);
    await waitForPrinted(s.printedMail, (m) => m.to === u.email, 5);
    // Once the outbox is empty nothing more can go out: exactly 5.
    await expect.poll(() => s.ctx.db.read((tx) => tx.get<{ n: number }>('SELECT COUNT(*) AS n FROM outbox')).then((r) => Number(r!.n))).toBe(0);
    expect(s.printedMail.filter((l) => l.includes(`to=${u.email} `))).toHaveLength(5);
  });

  it('a line break in the email is refused before anything is looked up or mailed', async () => {
    const b = new Browser(s.url);
    const form = await b.get('/forgot');
    const res = await b.post('/forgot', { csrf: field(form.text, 'csrf'), email: 'pro@cutline.test\r\nBcc: evil@example.test' });
    expect(res.status).toBe(400);
    expect(s.printedMail.some((l) => l.includes('evil@example.test'))).toBe(false);
  });
});
